/*
 * bench_median.h - medians, the figure every benchmark reports. Header-only:
 * each benchmark is one file.
 */
#ifndef CV_BENCH_MEDIAN_H
#define CV_BENCH_MEDIAN_H

#include <stdlib.h>

/* Order doubles ascending (qsort). */
static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Return the median of n values, the mean of the middle two when n is even
 * (sorts them: the worst is then v[n - 1]). */
static inline double bench_median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, bench_cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#endif
