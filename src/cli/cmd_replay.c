/*
 * cmd_replay.c - `concviz replay FILE [--speed X]`: a recording in the UI.
 *
 * X is a number from 0.25 to 16 (1 = real time), parsed strictly: the whole
 * text must be a number. Usage errors exit 2; a file that is not a readable
 * recording exits 1 with "concviz: FILE: problem" (from replay_open).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "app.h"
#include "commands.h"
#include "player.h"

static const char replay_usage[] =
	"usage: concviz replay FILE [--speed X]   (X from 0.25 to 16; 1 = real time)\n";

/* Parse a speed strictly; 0 or -1. */
static int replay_parse_speed(const char *s, double *out)
{
	char *end = NULL;
	if (!s || !*s || strchr(" \t\n", *s))
		return -1;
	double v = strtod(s, &end);
	if (end == s || *end || !isfinite(v) || !player_speed_ok(v))
		return -1;
	*out = v;
	return 0;
}

/* Replay a recording in the UI; returns the exit status. */
int cmd_replay(int argc, char **argv)
{
	const char *file = NULL, *speed_s = NULL;
	double speed = 1.0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(replay_usage, stdout);
			return 0;
		} else if (!strcmp(a, "--speed")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "concviz: --speed needs a value; e.g. `concviz replay FILE --speed 2`\n");
				return 2;
			}
			speed_s = argv[++i];
		} else if (!strncmp(a, "--speed=", 8)) {
			speed_s = a + 8;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "concviz: replay: unknown option '%s'; run `concviz replay --help`\n", a);
			return 2;
		} else if (file) {
			fprintf(stderr, "concviz: replay takes one FILE (got '%s' and '%s'); "
				"run `concviz replay --help`\n", file, a);
			return 2;
		} else {
			file = a;
		}
	}
	if (!file) {
		fprintf(stderr, "concviz: replay needs a recording FILE; usage: concviz replay FILE [--speed X]\n");
		return 2;
	}
	if (speed_s && replay_parse_speed(speed_s, &speed) < 0) {
		fprintf(stderr, "concviz: --speed wants a number from 0.25 to 16 (got '%s'); "
			"e.g. --speed 2\n", speed_s);
		return 2;
	}
	return app_replay(file, speed);
}
