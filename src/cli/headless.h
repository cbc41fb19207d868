/*
 * headless.h - running one job to its end without the UI (run --no-ui, bench).
 *
 * The main thread drains the ring every few ms until the run is over;
 * SIGINT, SIGTERM and SIGHUP cancel the run (the summary of what ran is
 * still available) and are remembered so the command exits 128 + signal.
 */
#ifndef CV_HEADLESS_H
#define CV_HEADLESS_H

#include <stddef.h>
#include "params.h"
#include "runner.h"

#define HEADLESS_FINDINGS 3   /* findings printed under a summary line */

/* Catch SIGINT, SIGTERM and SIGHUP into a flag (idempotent). */
void headless_signals(void);

/* The first of those signals caught so far, or 0. */
int headless_caught(void);

/* Run p to its end in r (recording to p->record when set): start, drain,
 * stop. Returns 0 with r finished (the caller summarises, then runner_free),
 * or -1 with a one-line message in err when the run could not start (r is
 * then empty). A caught signal cancels the run and still returns 0. */
int headless_run(struct runner *r, const struct cv_params *p, char *err, size_t errlen);

#endif
