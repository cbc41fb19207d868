/*
 * findings_run.c - findings about the run as a whole: failures (tasks that
 * failed, grouped by reason with counts), cancelled (a run stopped before
 * its end) and ring-stall (the producers waited on a full event ring, so the
 * timings include that wait). Facts from the task table and the end marker:
 * nothing is predicted.
 */
#include <stdio.h>
#include <string.h>
#include "findings_int.h"

#define FAIL_GROUPS 16

struct fail_group {
	uint32_t key;    /* reason << 16 | HTTP status (for FAIL_HTTP) */
	uint32_t n;
};

/* Describe a failure group ("7 HTTP 500", "5 reset", "2 timed out"). */
static void run_group_words(const struct fail_group *g, char *buf, size_t n)
{
	unsigned reason = g->key >> 16, status = g->key & 0xffff;
	switch (reason) {
	case FAIL_HTTP: snprintf(buf, n, "%u HTTP %u", g->n, status); break;
	case FAIL_TIMEOUT: snprintf(buf, n, "%u timed out", g->n); break;
	case FAIL_REFUSED: snprintf(buf, n, "%u refused", g->n); break;
	case FAIL_RESET: snprintf(buf, n, "%u reset", g->n); break;
	case FAIL_DNS: snprintf(buf, n, "%u not resolved", g->n); break;
	case FAIL_CRASH: snprintf(buf, n, "%u lost with a crashed worker", g->n); break;
	case FAIL_DEADLOCK: snprintf(buf, n, "%u deadlocked", g->n); break;
	default: snprintf(buf, n, "%u other errors", g->n); break;
	}
}

/* failures: count by reason (by status for HTTP errors), most first. */
static void run_failures(struct fd_ctx *c)
{
	if (c->failed == 0)
		return;
	struct fail_group g[FAIL_GROUPS];
	size_t ng = 0;
	int64_t t0 = -1, t1 = -1;
	for (size_t i = 0; i < c->tl->ntasks; i++) {
		const struct tl_task *tk = &c->tl->tasks[i];
		if (tk->state != TASK_FAILED || tk->reason == FAIL_CANCELLED)
			continue;
		uint32_t key = (uint32_t)tk->reason << 16 | (tk->reason == FAIL_HTTP ? tk->status : 0);
		size_t k = 0;
		while (k < ng && g[k].key != key)
			k++;
		if (k == ng && ng < FAIL_GROUPS)
			g[ng++] = (struct fail_group){ key, 0 };
		if (k < ng)
			g[k].n++;
		int64_t a = tk->t_begin >= 0 ? tk->t_begin : tk->t_end;
		if (a >= 0 && (t0 < 0 || a < t0))
			t0 = a;
		if (tk->t_end > t1)
			t1 = tk->t_end;
	}
	for (size_t i = 1; i < ng; i++) {     /* most first, ties by reason */
		struct fail_group x = g[i];
		size_t j = i;
		while (j > 0 && (g[j - 1].n < x.n || (g[j - 1].n == x.n && g[j - 1].key > x.key))) {
			g[j] = g[j - 1];
			j--;
		}
		g[j] = x;
	}
	char list[200] = "", one[48];
	size_t len = 0;
	for (size_t k = 0; k < ng && len < sizeof list; k++) {
		run_group_words(&g[k], one, sizeof one);
		len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", k ? ", " : "", one);
	}
	uint32_t all = c->ended ? c->ended : c->failed;
	char crashed[64] = "";
	if (c->tl->stats.crashed_lanes)
		snprintf(crashed, sizeof crashed, "; %u worker%s crashed", c->tl->stats.crashed_lanes,
			 c->tl->stats.crashed_lanes > 1 ? "s" : "");
	double share = (double)c->failed / (double)all;
	struct finding *f = fd_add(c, "failures", FINDING_WARN, 0.3 + 0.7 * share, t0 < 0 ? c->b : t0,
				   t1 < 0 ? c->e : t1, "%u of %u tasks failed (%.1f%%): %s%s.",
				   c->failed, all, share * 100, list, crashed);
	for (size_t i = 0; i < c->tl->ntasks; i++) {
		const struct tl_task *tk = &c->tl->tasks[i];
		if (tk->state == TASK_FAILED && tk->reason != FAIL_CANCELLED && tk->lane < c->nlanes)
			fd_lane(c, f, tk->lane);
	}
}

/* cancelled: the run was stopped before every task ended. */
static void run_cancelled(struct fd_ctx *c)
{
	if (c->cancelled == 0 || c->o->live)
		return;
	fd_add(c, "cancelled", FINDING_INFO, 0.4, c->b, c->e,
	       "%s: %u of %u tasks were cancelled, and these findings cover the %u that ended.",
	       c->tl->deadlock.detected ? "the deadlock ended the run" : "the run was stopped before its end",
	       c->cancelled, c->ntasks, c->ended);
}

/* ring-stall: the producers waited on a full event ring. */
static void run_ring_stall(struct fd_ctx *c)
{
	double share = (double)c->tl->stall_ns / (double)c->wall;
	if (c->tl->stall_ns < 1000000 || share < 0.005)
		return;
	char d[24];
	fd_add(c, "ring-stall", FINDING_INFO, 0.3, c->b, c->e,
	       "the workers waited %s on a full event ring (%.1f%% of the run): the timings "
	       "include that wait.", fd_dur((int64_t)c->tl->stall_ns, d, sizeof d), share * 100);
}

/* The run family. */
void fd_run_findings(struct fd_ctx *c)
{
	run_failures(c);
	run_cancelled(c);
	run_ring_stall(c);
}
