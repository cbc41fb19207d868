/*
 * tracer.h - `concviz trace` and `concviz attach`: a user's program drawn
 * from the kernel's per-thread accounting, with no ptrace and no root.
 *
 * The tracer is the engine of MODE_TRACE (engine.h): tracer_start() starts
 * the command as a child (or checks that a running process may be
 * observed), then a sampler thread reads /proc at the chosen rate and emits,
 * for every thread of every process of the program, a lane (named "comm
 * tid", with its pid and tid) and its state changes: running, ready (no CPU
 * free), waiting for a lock, on I/O, in an event loop's poll, idle. Marks
 * say the rate achieved (MARK_SAMPLE_HZ) and the longest time between two
 * samples (MARK_SAMPLE_GAP), how the program ended
 * (MARK_PROG_EXIT), signals passed on (MARK_SIGNAL) and lanes whose
 * blocking reason cannot be read (MARK_DEGRADED). The program's stdout and
 * stderr, when captured, become EV_OUTPUT events.
 *
 * Threads: tracer_start, tracer_signal and the engine's cancel/join run on
 * any one controlling thread; everything else on the sampler thread.
 */
#ifndef CV_TRACER_H
#define CV_TRACER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "engine.h"

#define TRACER_HZ_MIN 10
#define TRACER_HZ_MAX 10000
#define TRACER_GRACE_NS 3000000000ull /* a signalled program gets this long before SIGKILL */
#define TRACER_BUDGET 0.05            /* the sampler's CPU share that makes it slow down */
#define TRACER_THREAD_NAME "cv-sampler"  /* the sampler thread's name (top -H, benchmarks) */

/* Start tracing e->p: run e->p.argv (e->urls[0]'s origin exported as
 * CONCVIZ_ORIGIN) or observe e->p.attach_pid. Capture the program's output
 * when the UI is on (e->p.no_ui false) or a recording is asked for. Returns
 * 0, or a negative errno with one line in err: -ENOENT (command not found,
 * exit 127), -EACCES (not executable, 126; or may not observe, 1), -ESRCH
 * (no such process). Sets s->trace_pid. */
int tracer_start(struct engine *e, struct session *s, char *err, size_t errlen);

/* Pass signal sig on to the traced program (its process group when it runs
 * in a session of its own, else the program alone); when `delivered`, the
 * signal already reached it (a Ctrl-C from the shared terminal) and is not
 * sent again. SIGINT, SIGTERM, SIGHUP and SIGQUIT arm the grace period
 * after which every process of the program is killed (said with a
 * MARK_SIGNAL whose arg is 1). Does nothing on an attached process. */
void tracer_signal(struct engine *e, int sig, bool delivered);

/* Kill the program now (SIGKILL to every process of it): a second request
 * to quit during the grace period. Does nothing on an attached process. */
void tracer_kill_now(struct engine *e);

/* True when e traces a process it attached to (quitting detaches). */
bool tracer_attached(const struct engine *e);

#endif
