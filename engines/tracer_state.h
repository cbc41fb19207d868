/*
 * tracer_state.h - one traced thread's states, placed in time from the
 * kernel's counters: the part of the sampler that decides what to draw.
 *
 * Each sample gives the growth of the thread's run time (on a CPU) and run
 * queue time (runnable, no CPU) since the previous sample, and whether the
 * thread is runnable now or blocked (and in which state: lock, I/O, poll,
 * idle). tstate_fill() turns the interval [t0, t1) since the previous
 * sample into at most three state events, in the order a thread lives them:
 * ready (it waited for a CPU), running, then blocked in its state. What the
 * counters say but does not fit into the interval is carried over as a debt
 * to the next ones, and what was drawn ahead of the counters (the kernel
 * updates a running thread's run time only at its timer tick, every 1-10 ms)
 * is paid back: over a run, the time drawn in each state is the kernel's
 * figure. Only changes of state become events (the timeline merges the
 * rest).
 *
 * When the thread is known to have run at an instant of the interval (it
 * wrote an SDK record then) and was blocked before and after, what the
 * counters owe is placed to end at that instant instead of at the start:
 * the thread woke, worked, said so, and blocked again. Pure: no I/O,
 * unit-tested with synthetic counters.
 */
#ifndef CV_TRACER_STATE_H
#define CV_TRACER_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include "event.h"

#define TSTATE_DEBT_MIN (-100000000ll) /* drawn ahead at most 100 ms (an exec resets counters) */

struct tstate {
	int64_t debt_cpu;     /* ns the kernel counted on a CPU but not yet drawn (< 0: drawn ahead) */
	int64_t debt_ready;   /* the same for the run queue */
	bool runnable;        /* running or runnable now (else blocked) */
	uint16_t blocked;     /* the event kind of its blocked state (EV_IO, EV_LOCK_WAIT ...) */
	uint32_t blocked_aux; /* and its aux (the lock id of a lock wait) */
	uint16_t shown;       /* the state event last emitted (0 = none yet) */
	uint32_t shown_aux;
};

/* Start a thread's state: nothing drawn, blocked idle until told. */
void tstate_init(struct tstate *st);

/* Add what the counters grew by since the last sample (ns). */
void tstate_observe(struct tstate *st, uint64_t d_run, uint64_t d_wait);

/* Draw the interval [t0, t1) of lane `lane`: write the state events that
 * change what is shown into out (at most 3) and return how many. ran: an
 * instant in (t0, t1] at which the thread is known to have run, 0 when
 * none. */
int tstate_fill(struct tstate *st, uint64_t t0, uint64_t t1, uint32_t lane, uint64_t ran,
		struct cv_event out[3]);

#endif
