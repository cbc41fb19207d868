/*
 * cmd_show.c - `concviz show FILE`: a recording drawn as text on stdout.
 *
 * Loads the whole recording (replay_load), renders one view (Gantt by
 * default) into a canvas as wide as asked (default: the terminal's width when
 * stdout is a terminal, else 100) and tall enough for every lane, fitted to
 * the whole run, and prints it with canvas_print: no curses, no scrolling.
 * The run's top findings follow the diagram (all of them are the Findings
 * view, --view findings).
 * Colours only when stdout is a terminal (--color auto) or --color always;
 * block glyphs when the locale is UTF-8 (--ascii forces the fall-back).
 */
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "canvas.h"
#include "commands.h"
#include "findings.h"
#include "recfile.h"
#include "session.h"
#include "stats.h"
#include "timeline.h"
#include "view.h"

#define SHOW_MIN_W 20
#define SHOW_MAX_W 1000
#define SHOW_MAX_H 100000
#define SHOW_FINDINGS 3      /* printed under the diagram */

struct show_opts {
	const char *file;
	int width;            /* 0 = pick */
	enum view_id view;
	int color;            /* 0 never, 1 always, -1 auto */
	bool ascii;
};

/* Print a usage error and return 2. */
static int show_usage(const char *what)
{
	fprintf(stderr, "concviz: show: %s; usage: concviz show FILE [--width N] "
		"[--view gantt|compare|loop|log|findings] [--color auto|always|never] [--ascii]\n", what);
	return 2;
}

/* Parse show's arguments into o; 0, or the exit status of a usage error. */
static int show_parse(int argc, char **argv, struct show_opts *o)
{
	memset(o, 0, sizeof *o);
	o->view = VIEW_GANTT;
	o->color = -1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
		char buf[160];
		if (!strcmp(a, "--width") || !strcmp(a, "--view") || !strcmp(a, "--color")) {
			if (!val) {
				snprintf(buf, sizeof buf, "%s needs a value", a);
				return show_usage(buf);
			}
			i++;
		}
		if (!strcmp(a, "--width")) {
			char *end;
			long w = strtol(val, &end, 10);
			if (*end || end == val || w < SHOW_MIN_W || w > SHOW_MAX_W) {
				snprintf(buf, sizeof buf, "--width must be a number from %d to %d, not '%.40s'",
					 SHOW_MIN_W, SHOW_MAX_W, val);
				return show_usage(buf);
			}
			o->width = (int)w;
		} else if (!strcmp(a, "--view")) {
			if (view_parse(val, &o->view) < 0 || o->view == VIEW_HELP) {
				snprintf(buf, sizeof buf, "unknown view '%.40s'", val);
				return show_usage(buf);
			}
		} else if (!strcmp(a, "--color")) {
			if (!strcmp(val, "auto"))
				o->color = -1;
			else if (!strcmp(val, "always"))
				o->color = 1;
			else if (!strcmp(val, "never"))
				o->color = 0;
			else {
				snprintf(buf, sizeof buf, "--color takes auto, always or never, not '%.40s'", val);
				return show_usage(buf);
			}
		} else if (!strcmp(a, "--ascii")) {
			o->ascii = true;
		} else if (a[0] == '-' && a[1]) {
			snprintf(buf, sizeof buf, "unknown option '%.40s'", a);
			return show_usage(buf);
		} else if (o->file) {
			return show_usage("only one FILE");
		} else {
			o->file = a;
		}
	}
	if (!o->file)
		return show_usage("missing FILE");
	return 0;
}

/* The width to draw at: --width, the terminal's width, or 100. */
static int show_width(const struct show_opts *o)
{
	if (o->width)
		return o->width;
	struct winsize ws;
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
		int w = ws.ws_col;
		return w < SHOW_MIN_W ? SHOW_MIN_W : w > SHOW_MAX_W ? SHOW_MAX_W : w;
	}
	return 100;
}

/* True when the locale's character set is UTF-8. */
static bool show_utf8_locale(void)
{
	setlocale(LC_CTYPE, "");
	const char *cs = nl_langinfo(CODESET);
	return cs && (!strcasecmp(cs, "UTF-8") || !strcasecmp(cs, "utf8"));
}

/* Render the loaded recording and print it; returns the exit status. */
static int show_render(const struct show_opts *o, const struct session *s, const struct timeline *tl)
{
	struct cv_summary sum;
	stats_summarize(s, tl, &sum);
	struct findings_state fs;
	findings_state_init(&fs);
	if (findings_update(&fs, s, tl, NULL) < 0) {
		fprintf(stderr, "concviz: %s: out of memory computing the findings; free some memory\n",
			o->file);
		findings_state_free(&fs);
		return 1;
	}
	struct finding_brief brief;
	findings_brief(&fs.list, &brief);
	struct view_state vs;
	view_state_init(&vs);
	struct view_ctx ctx = {
		.s = s, .tl = tl, .vs = &vs, .runs = &sum, .briefs = &brief, .nruns = 1,
		.findings = &fs.list, .now = -1, .speed = 1.0, .done = true, .no_chrome = true,
	};
	int w = show_width(o);
	int h = view_rows_needed(o->view, &ctx, w);
	if (h > SHOW_MAX_H)
		h = SHOW_MAX_H;
	struct canvas c;
	if (canvas_init(&c, w, h, !o->ascii && show_utf8_locale()) < 0) {
		fprintf(stderr, "concviz: %s: out of memory drawing %d lanes; try a smaller --width\n",
			o->file, (int)tl->nlanes);
		findings_state_free(&fs);
		return 1;
	}
	view_draw(&c, o->view, &ctx);
	bool color = o->color == 1 || (o->color == -1 && isatty(STDOUT_FILENO));
	canvas_print(stdout, &c, color);
	canvas_free(&c);
	if (o->view != VIEW_FINDINGS && fs.list.n) {
		fputs("findings (most important first):\n", stdout);
		findings_print_text(stdout, &fs.list, SHOW_FINDINGS);
	}
	findings_state_free(&fs);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "concviz: show: could not write the diagram to stdout; check the pipe or disk\n");
		return 1;
	}
	return 0;
}

/* `concviz show FILE [...]`: print a recording's diagram; 0, 1 or 2. */
int cmd_show(int argc, char **argv)
{
	struct show_opts o;
	int rc = show_parse(argc, argv, &o);
	if (rc)
		return rc;
	struct session s;
	struct timeline tl;
	if (recfile_load(o.file, &s, &tl) < 0)
		return 1;
	rc = show_render(&o, &s, &tl);
	timeline_free(&tl);
	session_free(&s);
	return rc;
}
