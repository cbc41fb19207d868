/*
 * tracer_out.c - reading the traced program's output pipes (tracer_out.h).
 */
#include <errno.h>
#include <unistd.h>
#include "tracer_out.h"
#include "transcript.h"

/* Take over the read ends of the output pipes. */
void tout_init(struct tout *o, const int fds[2])
{
	o->fd[0] = fds[0];
	o->fd[1] = fds[1];
	o->bytes = 0;
}

/* Read what is waiting into EV_OUTPUT events; returns how many. */
size_t tout_read(struct tout *o, uint64_t t, uint32_t lane, struct cv_event *out, size_t max)
{
	char buf[TOUT_TICK_BYTES];
	size_t n = 0, budget = sizeof buf;
	for (int i = 0; i < 2; i++) {
		while (o->fd[i] >= 0 && budget >= CV_NAME_PIECE && n < max) {
			size_t want = budget < (max - n) * CV_NAME_PIECE ? budget : (max - n) * CV_NAME_PIECE;
			ssize_t got = read(o->fd[i], buf, want);
			if (got < 0 && errno == EINTR)
				continue;
			if (got == 0 || (got < 0 && errno != EAGAIN)) {
				close(o->fd[i]);
				o->fd[i] = -1;
				break;
			}
			if (got < 0)
				break;                          /* nothing more for now */
			for (ssize_t k = 0; k < got; k += CV_NAME_PIECE) {
				size_t len = got - k < (ssize_t)CV_NAME_PIECE ? (size_t)(got - k) : CV_NAME_PIECE;
				out[n++] = transcript_event(t, lane, i + 1, buf + k, len);
			}
			o->bytes += (uint64_t)got;
			budget -= (size_t)got;
		}
	}
	return n;
}

/* True while a pipe is still open. */
int tout_open(const struct tout *o)
{
	return o->fd[0] >= 0 || o->fd[1] >= 0;
}

/* Close what is still open. */
void tout_close(struct tout *o)
{
	for (int i = 0; i < 2; i++)
		if (o->fd[i] >= 0) {
			close(o->fd[i]);
			o->fd[i] = -1;
		}
}
