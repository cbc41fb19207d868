/*
 * event.c - names of event kinds and failure reasons, for logs and exports.
 */
#include <stdbool.h>
#include <string.h>
#include "event.h"

static const char *const kind_names[EV_KIND_COUNT] = {
	[EV_NONE] = "none",         [EV_LANE_START] = "lane-start",
	[EV_LANE_END] = "lane-end", [EV_LANE_CRASH] = "lane-crash",
	[EV_TASK_QUEUED] = "queued",[EV_TASK_BEGIN] = "task-begin",
	[EV_TASK_END] = "task-end", [EV_TASK_FAIL] = "task-fail",
	[EV_CPU] = "cpu",           [EV_IO] = "io",
	[EV_LOCK] = "gil-wait",     [EV_IDLE] = "idle",
	[EV_POLL] = "poll",         [EV_CALLBACK] = "callback",
	[EV_MARK] = "mark",         [EV_READY] = "ready",
	[EV_LANE_NAME] = "lane-name",[EV_TASK_NAME] = "task-name",
	[EV_OUTPUT] = "output",     [EV_LOCK_WAIT] = "lock-wait",
	[EV_LOCK_TAKE] = "lock-take",[EV_LOCK_FREE] = "lock-free",
	[EV_RACE] = "race",         [EV_USER_MARK] = "user-mark",
};

static const char *const fail_names[FAIL_REASON_COUNT] = {
	[FAIL_NONE] = "none",       [FAIL_TIMEOUT] = "timeout",
	[FAIL_REFUSED] = "refused", [FAIL_RESET] = "reset",
	[FAIL_DNS] = "dns",         [FAIL_HTTP] = "http",
	[FAIL_CRASH] = "crash",     [FAIL_OTHER] = "error",
	[FAIL_CANCELLED] = "cancelled", [FAIL_DEADLOCK] = "deadlock",
};

/* Return the short name of an event kind, "?" when unknown. */
const char *event_kind_name(unsigned kind)
{
	return kind < EV_KIND_COUNT && kind_names[kind] ? kind_names[kind] : "?";
}

/* Return the short name of a failure reason, "?" when unknown. */
const char *event_fail_name(unsigned reason)
{
	return reason < FAIL_REASON_COUNT ? fail_names[reason] : "?";
}

/* Make the name pieces of `name` (see event.h); returns how many. */
int cv_name_pieces(struct cv_event *out, uint64_t t, uint32_t lane, uint32_t task,
		   enum ev_kind kind, const char *name)
{
	size_t len = name ? strnlen(name, CV_NAME_MAX) : 0;
	int n = 0;
	size_t off = 0;
	do {
		uint8_t b[CV_NAME_PIECE] = { 0 };
		size_t k = len - off < CV_NAME_PIECE ? len - off : CV_NAME_PIECE;
		if (k)
			memcpy(b, name + off, k);
		uint64_t arg;
		uint32_t aux;
		cv_pack12(b, &arg, &aux);
		bool last = off + k >= len;
		out[n++] = (struct cv_event){ t, arg, lane, task, (uint16_t)kind,
					      (uint16_t)(off | (last ? CV_NAME_LAST : 0)), aux };
		off += k;
	} while (off < len);
	return n;
}

/* Apply one name piece to name[cap] (see event.h). */
int cv_name_apply(char *name, size_t cap, const struct cv_event *ev)
{
	size_t off = ev->code & ~CV_NAME_LAST & 0xffffu;
	if (off > CV_NAME_MAX || cap == 0)
		return -1;
	if (off == 0)
		memset(name, 0, cap);
	uint8_t b[CV_NAME_PIECE];
	cv_unpack12(ev, b);
	for (size_t i = 0; i < CV_NAME_PIECE && b[i] && off + i < cap - 1; i++)
		name[off + i] = (char)b[i];
	return (ev->code & CV_NAME_LAST) ? 1 : 0;
}
