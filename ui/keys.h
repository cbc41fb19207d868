/*
 * keys.h - what a key press or a mouse event means: input -> action.
 *
 * The terminal backend (tui.c) turns curses input into a struct key_input
 * (no curses types here); keys_decode() maps it to an action for the live UI
 * or the replay UI. Pure: no terminal, no state, unit-tested as a table.
 */
#ifndef CV_KEYS_H
#define CV_KEYS_H

#include <stdbool.h>
#include <stdint.h>

/* Special keys (outside the Unicode range, so they never clash with text). */
enum key_special {
	KEYS_NONE = 0,
	KEYS_UP = 0x110001, KEYS_DOWN, KEYS_LEFT, KEYS_RIGHT, KEYS_PGUP, KEYS_PGDN,
	KEYS_HOME, KEYS_END, KEYS_BTAB, KEYS_RESIZE, KEYS_MOUSE,
	KEYS_SLEFT, KEYS_SRIGHT   /* shifted arrows */
};

/* Mouse event kinds (key_input.button when key == KEYS_MOUSE). */
enum keys_button { KEYS_BTN_NONE = 0, KEYS_BTN_CLICK, KEYS_BTN_WHEEL_UP, KEYS_BTN_WHEEL_DOWN };

/* One input event: a code point (Tab = 9, Esc = 27, Ctrl-C = 3) or a KEYS_*. */
struct key_input {
	uint32_t key;
	int button;          /* enum keys_button when key == KEYS_MOUSE */
	int x, y;            /* mouse position (cells) */
};

enum action {
	ACT_NONE = 0,
	ACT_QUIT,
	ACT_MODE_SEQ, ACT_MODE_THREADS, ACT_MODE_ASYNC, ACT_MODE_PROCS,
	ACT_WORKLOAD,        /* cycle the workload io -> cpu -> race -> deadlock */
	ACT_GIL,             /* toggle the emulated GIL */
	ACT_LOCK,            /* toggle --lock (race) / --lock-order (deadlock) */
	ACT_ZOOM_IN, ACT_ZOOM_OUT,
	ACT_PAN_LEFT, ACT_PAN_RIGHT,
	ACT_SCROLL_UP, ACT_SCROLL_DOWN, ACT_PAGE_UP, ACT_PAGE_DOWN,
	ACT_FIT,             /* fit the run and follow it */
	ACT_PAUSE,           /* live: freeze the display; replay: play / pause */
	ACT_RERUN,
	ACT_NEXT_VIEW, ACT_PREV_VIEW,
	ACT_RECORD,          /* start / stop recording */
	ACT_HELP,            /* toggle the help overlay */
	ACT_CLOSE,           /* Esc: close the help overlay / selection */
	ACT_WHEEL_IN, ACT_WHEEL_OUT, /* zoom around the pointer (x, y) */
	ACT_CLICK,           /* select the span under (x, y) */
	ACT_RESIZE,
	ACT_FINDINGS,        /* jump to the Findings view */
	ACT_SUGGEST,         /* run the top suggestion of the findings */
	ACT_ENTER,           /* show the selected finding in the Gantt view */
	/* replay only */
	ACT_SPEED_UP, ACT_SPEED_DOWN, ACT_STEP,
	ACT_SEEK_START, ACT_SEEK_END, ACT_SCRUB_BACK, ACT_SCRUB_FWD,
	ACT_COUNT
};

enum keys_ctx { KEYS_LIVE = 0, KEYS_REPLAY = 1 };

/* What to do, and where (mouse actions). */
struct key_action {
	enum action act;
	int x, y;
};

/* Map one input to an action for the given UI (ACT_NONE when it means nothing). */
struct key_action keys_decode(const struct key_input *in, enum keys_ctx ctx);

/* True when an action makes sense only on a live run (mode, workload, GIL
 * and lock switches, rerun, recording); the replay UI answers those with a
 * message. */
bool keys_live_only(enum action a);

/* Return a short name for an action ("quit", "zoom-in"), for messages and tests. */
const char *keys_action_name(enum action a);

#endif
