/*
 * event.c - names of event kinds and failure reasons, for logs and exports.
 */
#include "event.h"

static const char *const kind_names[EV_KIND_COUNT] = {
	[EV_NONE] = "none",         [EV_LANE_START] = "lane-start",
	[EV_LANE_END] = "lane-end", [EV_LANE_CRASH] = "lane-crash",
	[EV_TASK_QUEUED] = "queued",[EV_TASK_BEGIN] = "task-begin",
	[EV_TASK_END] = "task-end", [EV_TASK_FAIL] = "task-fail",
	[EV_CPU] = "cpu",           [EV_IO] = "io",
	[EV_LOCK] = "gil-wait",     [EV_IDLE] = "idle",
	[EV_POLL] = "poll",         [EV_CALLBACK] = "callback",
	[EV_MARK] = "mark",
};

static const char *const fail_names[FAIL_REASON_COUNT] = {
	[FAIL_NONE] = "none",       [FAIL_TIMEOUT] = "timeout",
	[FAIL_REFUSED] = "refused", [FAIL_RESET] = "reset",
	[FAIL_DNS] = "dns",         [FAIL_HTTP] = "http",
	[FAIL_CRASH] = "crash",     [FAIL_OTHER] = "error",
	[FAIL_CANCELLED] = "cancelled",
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
