/*
 * keys.c - the hotkeys of concviz, as one decoding function.
 *
 * Live UI: 1 threads, 2 async, 3 procs, 0 seq, w workload (io, cpu, race,
 * deadlock), g GIL, l lock (--lock / --lock-order), +/- zoom, left/right
 * (Shift-arrows too) pan, up/down, j/k, PgUp/PgDn scroll lanes, f
 * fit/follow, space pause the display, r rerun, Tab / Shift-Tab views, i
 * findings, s run the top suggestion, Enter show the selected finding, R
 * record, ? help, q quit; mouse wheel zooms around the pointer, a click
 * selects a span.
 * Replay UI: the same, except space plays/pauses, < > change the speed,
 * . steps, Home/End seek, left/right scrub; Shift-left/right pan.
 * h and l no longer pan (l is the lock key; vim's h alone would be half a
 * pair): the arrows do.
 */
#include "keys.h"

/* Decode a mouse event. */
static struct key_action keys_mouse(const struct key_input *in)
{
	struct key_action a = { ACT_NONE, in->x, in->y };
	switch (in->button) {
	case KEYS_BTN_CLICK: a.act = ACT_CLICK; break;
	case KEYS_BTN_WHEEL_UP: a.act = ACT_WHEEL_IN; break;
	case KEYS_BTN_WHEEL_DOWN: a.act = ACT_WHEEL_OUT; break;
	default: break;
	}
	return a;
}

/* Decode the keys that mean the same in both UIs; ACT_COUNT when not one. */
static enum action keys_common(uint32_t k)
{
	switch (k) {
	case 'q': case 'Q': case 3 /* Ctrl-C */: return ACT_QUIT;
	case '+': case '=': return ACT_ZOOM_IN;
	case '-': case '_': return ACT_ZOOM_OUT;
	case KEYS_SLEFT: return ACT_PAN_LEFT;
	case KEYS_SRIGHT: return ACT_PAN_RIGHT;
	case 'k': case KEYS_UP: return ACT_SCROLL_UP;
	case 'j': case KEYS_DOWN: return ACT_SCROLL_DOWN;
	case KEYS_PGUP: return ACT_PAGE_UP;
	case KEYS_PGDN: return ACT_PAGE_DOWN;
	case 'f': case 'F': return ACT_FIT;
	case ' ': return ACT_PAUSE;
	case '\t': return ACT_NEXT_VIEW;
	case KEYS_BTAB: return ACT_PREV_VIEW;
	case '?': return ACT_HELP;
	case 27 /* Esc */: return ACT_CLOSE;
	case KEYS_RESIZE: case 12 /* Ctrl-L */: return ACT_RESIZE;
	case '1': return ACT_MODE_THREADS;
	case '2': return ACT_MODE_ASYNC;
	case '3': return ACT_MODE_PROCS;
	case '0': return ACT_MODE_SEQ;
	case 'w': case 'W': return ACT_WORKLOAD;
	case 'g': case 'G': return ACT_GIL;
	case 'l': return ACT_LOCK;
	case 'r': return ACT_RERUN;
	case 'R': return ACT_RECORD;
	case 'i': case 'I': return ACT_FINDINGS;
	case 's': case 'S': return ACT_SUGGEST;
	case '\r': case '\n': return ACT_ENTER;
	default: return ACT_COUNT;
	}
}

/* Map one input to an action for the live or the replay UI. */
struct key_action keys_decode(const struct key_input *in, enum keys_ctx ctx)
{
	struct key_action a = { ACT_NONE, 0, 0 };
	if (!in)
		return a;
	if (in->key == KEYS_MOUSE)
		return keys_mouse(in);
	if (ctx == KEYS_REPLAY) {
		switch (in->key) {
		case KEYS_LEFT: a.act = ACT_SCRUB_BACK; return a;
		case KEYS_RIGHT: a.act = ACT_SCRUB_FWD; return a;
		case KEYS_HOME: a.act = ACT_SEEK_START; return a;
		case KEYS_END: a.act = ACT_SEEK_END; return a;
		case '>': a.act = ACT_SPEED_UP; return a;
		case '<': a.act = ACT_SPEED_DOWN; return a;
		case '.': a.act = ACT_STEP; return a;
		default: break;
		}
	} else {
		switch (in->key) {
		case KEYS_LEFT: a.act = ACT_PAN_LEFT; return a;
		case KEYS_RIGHT: a.act = ACT_PAN_RIGHT; return a;
		default: break;
		}
	}
	enum action c = keys_common(in->key);
	a.act = c == ACT_COUNT ? ACT_NONE : c;
	return a;
}

/* True for the actions that need a live run. */
bool keys_live_only(enum action a)
{
	switch (a) {
	case ACT_MODE_SEQ: case ACT_MODE_THREADS: case ACT_MODE_ASYNC: case ACT_MODE_PROCS:
	case ACT_WORKLOAD: case ACT_GIL: case ACT_LOCK: case ACT_RERUN: case ACT_RECORD: case ACT_SUGGEST:
		return true;
	default:
		return false;
	}
}

/* Return a short name for an action. */
const char *keys_action_name(enum action a)
{
	static const char *const names[ACT_COUNT] = {
		[ACT_NONE] = "none", [ACT_QUIT] = "quit",
		[ACT_MODE_SEQ] = "mode-seq", [ACT_MODE_THREADS] = "mode-threads",
		[ACT_MODE_ASYNC] = "mode-async", [ACT_MODE_PROCS] = "mode-procs",
		[ACT_WORKLOAD] = "workload", [ACT_GIL] = "gil", [ACT_LOCK] = "lock",
		[ACT_ZOOM_IN] = "zoom-in", [ACT_ZOOM_OUT] = "zoom-out",
		[ACT_PAN_LEFT] = "pan-left", [ACT_PAN_RIGHT] = "pan-right",
		[ACT_SCROLL_UP] = "scroll-up", [ACT_SCROLL_DOWN] = "scroll-down",
		[ACT_PAGE_UP] = "page-up", [ACT_PAGE_DOWN] = "page-down",
		[ACT_FIT] = "fit", [ACT_PAUSE] = "pause", [ACT_RERUN] = "rerun",
		[ACT_NEXT_VIEW] = "next-view", [ACT_PREV_VIEW] = "prev-view",
		[ACT_RECORD] = "record", [ACT_HELP] = "help", [ACT_CLOSE] = "close",
		[ACT_WHEEL_IN] = "wheel-in", [ACT_WHEEL_OUT] = "wheel-out",
		[ACT_CLICK] = "click", [ACT_RESIZE] = "resize",
		[ACT_FINDINGS] = "findings", [ACT_SUGGEST] = "suggest", [ACT_ENTER] = "enter",
		[ACT_SPEED_UP] = "speed-up", [ACT_SPEED_DOWN] = "speed-down",
		[ACT_STEP] = "step", [ACT_SEEK_START] = "seek-start", [ACT_SEEK_END] = "seek-end",
		[ACT_SCRUB_BACK] = "scrub-back", [ACT_SCRUB_FWD] = "scrub-fwd",
	};
	if ((unsigned)a >= ACT_COUNT || !names[a])
		return "?";
	return names[a];
}
