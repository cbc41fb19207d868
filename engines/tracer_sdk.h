/*
 * tracer_sdk.h - a traced program's own task events (the SDK: sdk.h,
 * sdk_map.h) on the tracer's lanes: the tracer's side of sdk_map's sink.
 *
 * tsdk_open makes the transport before the program starts and says what to
 * add to its environment: CONCVIZ_SDK, and for a Python command the
 * PYTHONPATH that loads the Python task tracer. Then, on the sampler
 * thread: tsdk_poll (each tick, before the sampling, which then knows when
 * each thread last ran: tthread.sdk_ran) hands the records read to
 * sdk_map, whose events join the tick's batch (tracer_push_sdk);
 * tsdk_pass (as the batch goes into the ring, in time order) gives the
 * sampler's states of a thread's lane the task the program runs there, and
 * drops them while the program set an explicit state (cvz_state);
 * tsdk_thread_gone passes on the threads the sampler saw end; tsdk_finish
 * reads the rest once the program ended, cancels its tasks still open and
 * ends their lanes.
 *
 * Time: records arrive up to a poll late (and a Python thread may be
 * pre-empted between stamping a record and publishing it), so the tracer
 * holds the newest TSDK_HOLD_NS of its events before pushing them; a record
 * older than what was pushed already is placed at the newest pushed time
 * and counted (MARK_SDK_LATE, with the largest move).
 *
 * A thread's first record may come before the sampler found the thread (a
 * discovery is then forced, once per poll) or after it ended (its lane is
 * remembered); a thread the sampler never saw, of a traced process or of
 * one already gone (a child that lived between two samples), gets a lane
 * of its own, ended when its shard is gone. A thread's lane starts at its
 * first record when that came before the sampler found it (and it is still
 * held; else the record is placed at the lane's start). Records of a
 * running process the tracer does not trace are refused (counted as
 * rejected).
 */
#ifndef CV_TRACER_SDK_H
#define CV_TRACER_SDK_H

#include <stdbool.h>
#include <stdint.h>
#include "tracer_int.h"

#define TSDK_HOLD_NS 20000000ull   /* events held back before they are pushed */
#define TSDK_POLL_NS 1000000ull    /* the shards are read at most this often */
#define TSDK_GONE_KEPT 256         /* lanes of threads that ended, remembered */
#define TSDK_ENV_MAX 3             /* strings added to the program's environment */

/* Make the transport for the program argv0 (inject the Python task tracer
 * into a Python command unless no_python) and fill env with the strings to
 * add to its environment (NULL-terminated; owned by the tracer's tsdk).
 * Sets tr->sdk and tr->sdk_python. Returns 0, or a negative errno (the
 * program then runs without it: tr->sdk stays NULL). Controlling thread,
 * before the sampler starts. */
int tsdk_open(struct tracer *tr, const char *argv0, bool no_python, const char *env[TSDK_ENV_MAX + 1]);

/* Read the program's new records, stamped before t, into the tick's batch
 * (at most every TSDK_POLL_NS), with the SDK's counts when they changed. */
void tsdk_poll(struct tracer *tr, uint64_t t);

/* The program ended at t: read everything left, cancel its open tasks,
 * end the SDK's lanes, say the counts. */
void tsdk_finish(struct tracer *tr, uint64_t t);

/* The sampler saw thread th end (before it forgets it). */
void tsdk_thread_gone(struct tracer *tr, const struct tthread *th);

/* Look at an event about to go into the ring (in time order): an SDK
 * event updates its lane's task and explicit state; a sampled state gets
 * the lane's task. Returns 0 when the event is not to be pushed (a sampled
 * state while the program set one of its own), 1 to push it, 2 to push it
 * and then *also (the sampler's state again, after a state the program's
 * task switch drew on a sampled lane). k may be NULL. */
int tsdk_pass(struct tsdk *k, struct tbev *b, struct cv_event *also);

/* Free the map and remove the transport's directory (after the sampler). */
void tsdk_close(struct tsdk *k);

#endif
