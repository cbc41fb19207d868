/*
 * export_csv.c - a run as CSV: one row per state span, for spreadsheets and
 * scripts.
 *
 * Columns: lane,lane_name,task,task_name,state,start_ns,end_ns,duration_ns,
 * bytes,status,failed,reason. Times are ns from the run's origin (the
 * session's start clock). task, task_name, bytes and status are empty for
 * spans without a task (idle); bytes and status are the task's result once
 * it ended. failed is 0 or 1, reason the failure ("timeout") or empty.
 * Fields holding a comma, quote or line break are quoted per RFC 4180;
 * rows end with CRLF as the RFC says.
 */
#include "export.h"

#include <errno.h>
#include <string.h>
#include "event.h"

/* Write s as one CSV field, quoted only when it must be. */
static void put_field(FILE *f, const char *s)
{
	if (!s[strcspn(s, ",\"\r\n")]) {
		fputs_unlocked(s, f);
		return;
	}
	putc_unlocked('"', f);
	for (; *s; s++) {
		if (*s == '"')
			putc_unlocked('"', f);
		putc_unlocked(*s, f);
	}
	putc_unlocked('"', f);
}

/* Write the rows of lane l, named lname. */
static void put_lane(FILE *f, const struct session *s, const struct timeline *tl, size_t l,
		     const char *lname)
{
	const struct tl_lane *ln = &tl->lanes[l];
	for (size_t i = 0; i < ln->n; i++) {
		const struct tl_span *sp = tl_span_at(ln, i);
		if (sp->state == ST_NONE)
			continue;
		int64_t end = timeline_span_end(tl, l, i);
		export_put_u64(f, l);
		putc_unlocked(',', f);
		put_field(f, lname);
		putc_unlocked(',', f);
		const struct tl_task *tk = NULL;
		if (sp->task != CV_NO_TASK) {
			export_put_u64(f, sp->task);
			putc_unlocked(',', f);
			put_field(f, session_task_name(s, sp->task));
			if (sp->task < tl->ntasks)
				tk = &tl->tasks[sp->task];
		} else {
			putc_unlocked(',', f);
		}
		putc_unlocked(',', f);
		fputs_unlocked(timeline_state_name_in(sp->state, s->params.gil), f);
		putc_unlocked(',', f);
		export_put_i64(f, sp->t0);
		putc_unlocked(',', f);
		export_put_i64(f, end);
		putc_unlocked(',', f);
		export_put_i64(f, end - sp->t0);
		putc_unlocked(',', f);
		if (tk && (tk->state == TASK_DONE || tk->state == TASK_FAILED)) {
			export_put_u64(f, tk->bytes);
			putc_unlocked(',', f);
			export_put_u64(f, tk->status);
		} else {
			putc_unlocked(',', f);
		}
		fputs_unlocked(sp->failed ? ",1," : ",0,", f);
		if (sp->failed && tk)
			fputs_unlocked(event_fail_name(tk->reason), f);
		fputs_unlocked("\r\n", f);
	}
}

/* Write the run as CSV; 0 or -EIO. */
int export_csv(FILE *f, const struct session *s, const struct timeline *tl)
{
	fputs_unlocked("lane,lane_name,task,task_name,state,start_ns,end_ns,duration_ns,"
		       "bytes,status,failed,reason\r\n", f);
	for (size_t l = 0; l < tl->nlanes; l++) {
		const char *name = session_lane_name(s, (uint32_t)l);
		char fallback[32];
		if (!*name) {
			snprintf(fallback, sizeof fallback, "lane %zu", l);
			name = fallback;
		}
		put_lane(f, s, tl, l, name);
	}
	return fflush(f) == 0 && !ferror(f) ? 0 : -EIO;
}
