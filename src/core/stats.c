/*
 * stats.c - one run's summary, and its two printed forms (a line, JSON).
 *
 * Wall time is taken between the run's begin and end marks (or the first and
 * newest event while a run is still going). The ideal time is what a perfect
 * scheduler would need with the same pool: see stats.h. Everything comes
 * from running totals of the timeline: a summary costs O(1), so views can
 * show one on every frame.
 */
#include <math.h>
#include <string.h>
#include "findings.h"
#include "stats.h"

/* Compute the summary of the run in tl described by s. */
void stats_summarize(const struct session *s, const struct timeline *tl, struct cv_summary *out)
{
	const struct cv_params *p = &s->params;
	memset(out, 0, sizeof *out);
	out->mode = p->mode;
	out->workload = p->workload;
	out->workers = params_workers(p);
	out->gil = p->gil;
	out->tasks = s->ntasks ? s->ntasks : (uint32_t)(p->tasks > 0 ? p->tasks : 0);
	out->done = tl->stats.done;
	out->failed = tl->stats.failed;
	out->bytes = tl->stats.bytes;
	int64_t b = tl->run_begin >= 0 ? tl->run_begin : (tl->stats.t_first > 0 ? tl->stats.t_first : 0);
	int64_t e = tl->run_end >= 0 ? tl->run_end : tl->now;
	out->wall_s = e > b ? (double)(e - b) / 1e9 : 0;
	out->cpu_s = (double)tl->stats.ns[ST_CPU] / 1e9;
	out->stall_s = (double)tl->stall_ns / 1e9;
	if (p->workload == WL_IO) {
		/* only the work that was done: a run cut short, or still going,
		 * is measured against the ideal time of its ended tasks */
		uint32_t worked = tl->stats.done + tl->stats.failed - tl->stats.cancelled;
		int inflight = out->workers < (int)out->tasks ? out->workers : (int)out->tasks;
		double mean_ms = tl->stats.done_timed ?
			(double)tl->stats.done_task_ns / tl->stats.done_timed / 1e6 : 0;
		double lat = s->ideal_latency_ms > 0 ? s->ideal_latency_ms : mean_ms;
		if (inflight > 0)
			out->ideal_s = ceil((double)worked / inflight) * lat / 1e3;
	} else {
		uint64_t cpu = tl->stats.task_cpu_ns;
		int par = out->workers < s->cores ? out->workers : s->cores;
		if (p->mode == MODE_SEQ || par < 1)
			par = 1;
		out->ideal_s = (double)cpu / 1e9 / par;
	}
	out->efficiency = out->wall_s > 0 ? out->ideal_s / out->wall_s : 0;
}

/* Format the one human line of a summary (no newline) into buf. */
void stats_format_line(char *buf, size_t n, const struct cv_summary *m)
{
	snprintf(buf, n, "%s%s %s: %u tasks, %u failed, wall %.3f s, ideal %.3f s, efficiency %.0f%%",
		 params_mode_name(m->mode), m->gil ? "+gil" : "", params_workload_name(m->workload),
		 m->tasks, m->failed, m->wall_s, m->ideal_s, m->efficiency * 100);
}

/* Print the one human line of a summary. */
void stats_print_line(FILE *f, const struct cv_summary *m)
{
	char line[256];
	stats_format_line(line, sizeof line, m);
	fprintf(f, "%s\n", line);
}

/* Write s as a JSON string literal (quoted; '"', '\\' and control bytes
 * escaped; UTF-8 passes as is). Used per span by the Chrome export: no
 * formatting calls. */
void stats_json_string(FILE *f, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	putc_unlocked('"', f);
	for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
		unsigned char c = *p;
		if (c == '"' || c == '\\') {
			putc_unlocked('\\', f);
			putc_unlocked(c, f);
		} else if (c < 0x20) {
			fputs_unlocked("\\u00", f);
			putc_unlocked(hex[c >> 4], f);
			putc_unlocked(hex[c & 15], f);
		} else {
			putc_unlocked(c, f);
		}
	}
	putc_unlocked('"', f);
}

/* Print the summary and per-lane times as one JSON object. */
void stats_print_json(FILE *f, const struct session *s, const struct timeline *tl,
		      const struct cv_summary *m)
{
	fprintf(f, "{\"mode\":\"%s\",\"workload\":\"%s\",\"gil\":%s,\"workers\":%d,"
		"\"tasks\":%u,\"done\":%u,\"failed\":%u,\"bytes\":%llu,"
		"\"wall_s\":%.6f,\"ideal_s\":%.6f,\"efficiency\":%.4f,\"cpu_s\":%.6f,"
		"\"ring_stall_s\":%.6f,\"cores\":%d,\"host\":",
		params_mode_name(m->mode), params_workload_name(m->workload), m->gil ? "true" : "false",
		m->workers, m->tasks, m->done, m->failed, (unsigned long long)m->bytes,
		m->wall_s, m->ideal_s, m->efficiency, m->cpu_s, m->stall_s, s->cores);
	stats_json_string(f, s->host);
	fputs(",\"lanes\":[", f);
	for (size_t l = 0; l < tl->nlanes; l++) {
		uint64_t ns[ST_COUNT];
		timeline_lane_stats(tl, l, ns);
		const struct tl_lane *ln = &tl->lanes[l];
		fprintf(f, "%s{\"lane\":%zu,\"name\":", l ? "," : "", l);
		stats_json_string(f, session_lane_name(s, (uint32_t)l));
		fprintf(f, ",\"pid\":%llu,\"busy_s\":%.6f,\"waiting_s\":%.6f,\"lock_wait_s\":%.6f,"
			"\"idle_s\":%.6f,\"queued_s\":%.6f,\"loop_poll_s\":%.6f,\"loop_callback_s\":%.6f,"
			"\"ready_s\":%.6f,\"done\":%u,\"failed\":%u,\"crashed\":%s}",
			(unsigned long long)ln->pid, ns[ST_CPU] / 1e9, ns[ST_IO] / 1e9, ns[ST_LOCK] / 1e9,
			ns[ST_IDLE] / 1e9, ns[ST_QUEUED] / 1e9, ns[ST_POLL] / 1e9, ns[ST_CALLBACK] / 1e9,
			ns[ST_READY] / 1e9,
			ln->done, ln->failed, ln->crashed ? "true" : "false");
	}
	fputc(']', f);
	/* what limits the run (findings.h), ranked */
	fputs(",\"findings\":", f);
	findings_print_run(f, s, tl, true, 0);
	fputs("}\n", f);
}
