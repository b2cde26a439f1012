/* Small shared helpers: checked allocation, growable arrays, message
 * formatting. No global state. */
#ifndef CELLULAB_UTIL_H
#define CELLULAB_UTIL_H

#include <stddef.h>
#include <stdarg.h>

#include "cellulab.h"

/* Grow *arr (element size elem) so that it holds at least need elements.
 * *cap is updated. Returns 0, or -1 when out of memory (*arr untouched). */
int cl_grow(void **arr, size_t *cap, size_t need, size_t elem);

#define CL_GROW(arr, cap, need) cl_grow((void **)&(arr), &(cap), (need), sizeof *(arr))

/* strdup that returns NULL on failure (C17 has no strdup). */
char *cl_strdup(const char *s);

/* snprintf into buf, never overflowing; returns buf. */
char *cl_fmt(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Write the formatted message into err->msg (err may be NULL) and return
 * st: the failure path of the functions that report through a cl_error. */
cl_status cl_error_fail(cl_error *err, cl_status st, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* 1 when x is a finite double. */
int cl_finite(double x);

#endif
