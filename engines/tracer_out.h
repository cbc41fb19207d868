/*
 * tracer_out.h - a traced program's stdout and stderr, captured from pipes
 * into EV_OUTPUT events (12 bytes each; see event.h and transcript.h).
 *
 * The sampler calls tout_read() once per tick: a non-blocking read of each
 * pipe still open, at most TOUT_TICK_BYTES in all, so a chatty program
 * cannot stall the sampling (it blocks on its full pipe instead, as it
 * would on a slow terminal). Sampler thread only.
 */
#ifndef CV_TRACER_OUT_H
#define CV_TRACER_OUT_H

#include <stddef.h>
#include <stdint.h>
#include "event.h"

#define TOUT_TICK_BYTES 16384

struct tout {
	int fd[2];        /* read ends for stdout (fd 1) and stderr (fd 2); -1 = closed */
	uint64_t bytes;   /* bytes read so far */
};

/* Take over the read ends fds[0] (stdout) and fds[1] (stderr); -1 = none. */
void tout_init(struct tout *o, const int fds[2]);

/* Read what is waiting and append its EV_OUTPUT events, stamped t on lane,
 * to out (room for max events: TOUT_TICK_BYTES / 12 + 2 is enough); returns
 * how many. A pipe at its end (the program and its children closed it) is
 * closed. */
size_t tout_read(struct tout *o, uint64_t t, uint32_t lane, struct cv_event *out, size_t max);

/* True while a pipe is still open. */
int tout_open(const struct tout *o);

/* Close what is still open. */
void tout_close(struct tout *o);

#endif
