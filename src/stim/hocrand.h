/* NEURON's hoc Random object with its Random123 generator, outside the hoc
 * interpreter: the stream (id1, id2, id3 and a position), the libg++
 * distribution object over it (Uniform, Normal, NegativeExpntl, LogNormal)
 * and NEURON 8.2's draw arithmetic over nrnran123_dblpick, as
 * src/hoc/random.c's Random class and the BBP noise inputs
 * (src/sim/network_inputs.c, BlueCelluLab's streams) both use it.
 *
 * Calling a distribution method in hoc (r.normal(m, v)) makes a new
 * distribution object (the Normal's cached second value is lost) and
 * returns one draw: cl_hocrand_set does the first, the caller draws with
 * cl_hocrand_pick. Vector.setrand and Random.repick draw with
 * cl_hocrand_pick. The Random123 global index is passed at each draw, as
 * NEURON reads its global key at every pick. */
#ifndef CELLULAB_STIM_HOCRAND_H
#define CELLULAB_STIM_HOCRAND_H

enum { CL_HOCRAND_NONE, CL_HOCRAND_UNIFORM, CL_HOCRAND_NORMAL, CL_HOCRAND_LOGNORMAL, CL_HOCRAND_NEGEXP };

typedef struct cl_hocrand {
    double id1, id2, id3, seq, which; /* the Random123 stream, as NMODL RANDOM's columns */
    int dist;                         /* CL_HOCRAND_* */
    double a, b; /* uniform: low, high; normal / lognormal: mean, standard deviation of the normal; negexp: mean */
    int cached;  /* libg++ Normal's second value of the polar method */
    double cache;
} cl_hocrand;

/* Random123(id1, id2, id3): each id taken modulo 2^32 as NEURON's
 * (uint32_t) conversion does; the stream restarts at its start, the chosen
 * distribution is kept (a zeroed cl_hocrand has none). */
void cl_hocrand_random123(cl_hocrand *r, double id1, double id2, double id3);

/* Choose a distribution as hoc's r.uniform(low, high), r.normal(mean,
 * variance), r.lognormal(mean, variance) or r.negexp(mean) do (b unused for
 * negexp). Returns 0, or -1 with a message in msg (size n) for parameters
 * NEURON's classes cannot take (a negative variance; lognormal mean <= 0). */
int cl_hocrand_set(cl_hocrand *r, int dist, double a, double b, char *msg, unsigned long n);

/* One uniform on (0, 1): nrnran123_dblpick. */
double cl_hocrand_uniform01(cl_hocrand *r, unsigned globalindex);

/* One draw of the chosen distribution (Random.repick). dist must not be
 * CL_HOCRAND_NONE. */
double cl_hocrand_pick(cl_hocrand *r, unsigned globalindex);

#endif
