/*
 * headless.c - a run driven to its end by the main thread, without the UI.
 *
 * The engine's threads are started with SIGINT/SIGTERM/SIGHUP blocked, so
 * those signals reach the main thread, whose handler only sets a flag; the
 * drain loop sees the flag, cancels the run and drains it to its end, so the
 * summary and the recording still cover everything that ran.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include "clock.h"
#include "headless.h"

#define HEADLESS_TICK_NS 5000000u   /* drain every 5 ms */

static volatile sig_atomic_t headless_sig;

/* Signal handler: remember the first signal. */
static void headless_on_signal(int sig)
{
	if (!headless_sig)
		headless_sig = sig;
}

/* Catch SIGINT, SIGTERM and SIGHUP into a flag (idempotent). */
void headless_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = headless_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/* The first signal caught so far, or 0. */
int headless_caught(void)
{
	return headless_sig;
}

/* Run p to its end in r (see headless.h). */
int headless_run(struct runner *r, const struct cv_params *p, char *err, size_t errlen)
{
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &block, &old);   /* inherited by the engine's threads */
	int rc = runner_start(r, p, err, errlen);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc < 0)
		return -1;
	if (p->record && runner_record(r, p->record, p->force, err, errlen) < 0) {
		runner_free(r);
		return -1;
	}
	while (!r->finished) {
		if (headless_sig) {
			runner_stop(r);
			break;
		}
		if (runner_drain(r) == 0)
			clock_sleep_ns(HEADLESS_TICK_NS);
	}
	char why[256];
	if (r->rec && runner_record_stop(r, why, sizeof why) < 0 && r->exit_status == 0) {
		r->exit_status = 1;
		snprintf(r->err, sizeof r->err, "%s", why);
	}
	return 0;
}
