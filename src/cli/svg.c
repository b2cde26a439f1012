/* A small SVG line plot: axes with "nice" ticks, labels, a shaded band. */
#include <math.h>
#include <stdio.h>

#include "cli/cli.h"

/* A tick step of 1, 2 or 5 times a power of ten giving about 6 ticks. */
static double nice_step(double span) {
    if (!(span > 0)) return 1;
    double raw = span / 6, p = pow(10, floor(log10(raw))), f = raw / p;
    return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * p;
}

static void xml_text(FILE *f, const char *s) {
    for (; s && *s; s++) {
        if (*s == '<') fputs("&lt;", f);
        else if (*s == '>') fputs("&gt;", f);
        else if (*s == '&') fputs("&amp;", f);
        else fputc(*s, f);
    }
}

int cli_svg_write(FILE *f, const cli_plot *p) {
    const double W = 800, H = 450, L = 70, R = 20, T = 40, B = 55;
    double xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY, ymax = -INFINITY;
    for (size_t i = 0; i < p->n; i++) {
        if (!isfinite(p->x[i]) || !isfinite(p->y[i])) continue;
        xmin = fmin(xmin, p->x[i]); xmax = fmax(xmax, p->x[i]);
        ymin = fmin(ymin, p->y[i]); ymax = fmax(ymax, p->y[i]);
    }
    if (!(xmax > xmin)) { xmin = 0; xmax = 1; }
    if (!(ymax > ymin)) { ymin -= 1; ymax += 1; }
    double ys = nice_step(ymax - ymin), xs = nice_step(xmax - xmin);
    ymin = floor(ymin / ys) * ys;
    ymax = ceil(ymax / ys) * ys;
    double pw = W - L - R, ph = H - T - B;
#define PX(x) (L + ((x) - xmin) / (xmax - xmin) * pw)
#define PY(y) (T + ph - ((y) - ymin) / (ymax - ymin) * ph)
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%g\" height=\"%g\" "
               "viewBox=\"0 0 %g %g\" font-family=\"sans-serif\" font-size=\"13\">\n", W, H, W, H);
    fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
    if (p->shade_to > p->shade_from) {
        double a = fmax(p->shade_from, xmin), b = fmin(p->shade_to, xmax);
        if (b > a) {
            fprintf(f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"#fde9c9\"/>\n",
                    PX(a), T, PX(b) - PX(a), ph);
            if (p->shade_label) {
                fprintf(f, "<text x=\"%.2f\" y=\"%.2f\" fill=\"#a0601a\" text-anchor=\"middle\">",
                        (PX(a) + PX(b)) / 2, T + 16);
                xml_text(f, p->shade_label);
                fputs("</text>\n", f);
            }
        }
    }
    for (double y = ymin; y <= ymax + ys * 1e-9; y += ys) {
        fprintf(f, "<line x1=\"%g\" x2=\"%g\" y1=\"%.2f\" y2=\"%.2f\" stroke=\"#e4e4e4\"/>\n", L, L + pw, PY(y), PY(y));
        fprintf(f, "<text x=\"%g\" y=\"%.2f\" text-anchor=\"end\">%g</text>\n", L - 6, PY(y) + 4, fabs(y) < ys * 1e-9 ? 0 : y);
    }
    for (double x = ceil(xmin / xs) * xs; x <= xmax + xs * 1e-9; x += xs) {
        fprintf(f, "<line x1=\"%.2f\" x2=\"%.2f\" y1=\"%g\" y2=\"%g\" stroke=\"#e4e4e4\"/>\n", PX(x), PX(x), T, T + ph);
        fprintf(f, "<text x=\"%.2f\" y=\"%g\" text-anchor=\"middle\">%g</text>\n", PX(x), T + ph + 18, fabs(x) < xs * 1e-9 ? 0 : x);
    }
    fprintf(f, "<rect x=\"%g\" y=\"%g\" width=\"%g\" height=\"%g\" fill=\"none\" stroke=\"#333\"/>\n", L, T, pw, ph);
    fputs("<polyline fill=\"none\" stroke=\"#1f5fa8\" stroke-width=\"1.5\" points=\"", f);
    for (size_t i = 0; i < p->n; i++)
        if (isfinite(p->x[i]) && isfinite(p->y[i])) fprintf(f, "%.2f,%.2f ", PX(p->x[i]), PY(p->y[i]));
    fputs("\"/>\n", f);
    fprintf(f, "<text x=\"%g\" y=\"%g\" text-anchor=\"middle\" font-size=\"15\">", W / 2, T - 14);
    xml_text(f, p->title);
    fprintf(f, "</text>\n<text x=\"%g\" y=\"%g\" text-anchor=\"middle\">", L + pw / 2, H - 14);
    xml_text(f, p->xlabel);
    fprintf(f, "</text>\n<text transform=\"translate(18,%g) rotate(-90)\" text-anchor=\"middle\">", T + ph / 2);
    xml_text(f, p->ylabel);
    fputs("</text>\n</svg>\n", f);
#undef PX
#undef PY
    return ferror(f) ? -1 : 0;
}
