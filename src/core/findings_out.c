/*
 * findings_out.c - the findings printed: a JSON array (the "findings" field
 * of `run --json`, `stats --json`) and text lines (under the summary of
 * `run --no-ui` and `stats`, under the diagram of `show`).
 */
#include <stdio.h>
#include "findings.h"
#include "stats.h"

/* Return "info" or "warn". */
const char *findings_severity_name(enum finding_severity s)
{
	return s == FINDING_WARN ? "warn" : "info";
}

/* Print the list as a JSON array. */
void findings_print_json(FILE *f, const struct findings *l)
{
	fputc('[', f);
	for (int i = 0; l && i < l->n; i++) {
		const struct finding *x = &l->f[i];
		fprintf(f, "%s{\"id\":", i ? "," : "");
		stats_json_string(f, x->id);
		fprintf(f, ",\"severity\":\"%s\",\"text\":", findings_severity_name(x->severity));
		stats_json_string(f, x->text);
		fputs(",\"lanes\":[", f);
		size_t n;
		const uint32_t *v = findings_lanes(l, x, &n);
		for (size_t k = 0; k < n; k++)
			fprintf(f, "%s%u", k ? "," : "", v[k]);
		fprintf(f, "],\"t0_s\":%.6f,\"t1_s\":%.6f", (double)x->t0 / 1e9, (double)x->t1 / 1e9);
		if (x->has_suggest) {
			fprintf(f, ",\"suggest\":{\"mode\":\"%s\"", params_mode_name(x->suggest.mode));
			if (x->suggest.workers > 0)
				fprintf(f, ",\"workers\":%d", x->suggest.workers);
			fprintf(f, ",\"speedup\":%.3f}", x->suggest.speedup);
		}
		fputc('}', f);
	}
	fputc(']', f);
}

/* Print up to max findings, one a line. */
void findings_print_text(FILE *f, const struct findings *l, int max)
{
	for (int i = 0; l && i < l->n && i < max; i++)
		fprintf(f, "  %s %s: %s\n", findings_severity_name(l->f[i].severity), l->f[i].id,
			l->f[i].text);
}

/* Compute a finished run's findings and print them (JSON or text). */
void findings_print_run(FILE *f, const struct session *s, const struct timeline *tl, bool json,
			int max)
{
	struct findings_state st;
	findings_state_init(&st);
	int rc = findings_update(&st, s, tl, NULL);
	if (json)
		findings_print_json(f, rc == 0 ? &st.list : NULL);
	else if (rc == 0)
		findings_print_text(f, &st.list, max);
	findings_state_free(&st);
}
