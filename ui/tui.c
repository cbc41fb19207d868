/*
 * tui.c - the ncurses backend (the only file in concviz that includes curses).
 *
 * Start: newterm on stdout/stdin, cbreak (Ctrl-C still raises SIGINT), no
 * echo, keypad, a read timeout, an invisible cursor, mouse wheel and clicks.
 * Colours: one pair per canvas role (plus an "alternate shade" pair per
 * state role), from a 256-colour palette when the terminal has one, the 8
 * basic colours otherwise, attributes only when NO_COLOR is set or the
 * terminal has no colours.
 *
 * Drawing keeps a shadow copy of the last canvas drawn and only touches the
 * cells that differ, so a frame where one span grew costs a few cells.
 *
 * Restoring the terminal: tui_stop() on the normal path; an atexit hook for
 * exit(); SIGINT/SIGTERM/SIGHUP only set a flag that the UI loop checks
 * (it then returns 128 + signal after a clean stop); SIGSEGV/SIGBUS/SIGFPE/
 * SIGILL/SIGABRT call endwin and re-raise. Forked workers inherit these
 * handlers: in any process but the one that started the UI they fall back
 * to the default action and never touch the terminal.
 */
#include <errno.h>
#include <langinfo.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <wchar.h>
#include <curses.h>
#include <term.h>
#include "canvas.h"
#include "keys.h"
#include "tui.h"

static SCREEN *tui_screen;
static volatile sig_atomic_t tui_active;     /* curses owns the terminal */
static volatile sig_atomic_t tui_quit_sig;   /* SIGINT/SIGTERM/SIGHUP seen */
static pid_t tui_owner;                      /* the process that started curses */
static bool tui_hooks_done;
static bool tui_color_on;
static int tui_ncolors;                      /* 0, 8 or 256 */
static struct cell *tui_shadow;              /* what is on screen */
static int tui_sw, tui_sh;
static bool tui_dirty = true;

/* --- terminal checks ---------------------------------------------------- */

/* Check that this terminal can draw the UI (see tui.h). */
int tui_check(char *err, size_t errlen)
{
	const char *term = getenv("TERM");
	const char *hint = "use `concviz run --no-ui` or `concviz show FILE`";
	if (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO)) {
		snprintf(err, errlen, "concviz: %s is not a terminal, so the UI cannot be drawn; %s",
			 isatty(STDOUT_FILENO) ? "stdin" : "stdout", hint);
		return -1;
	}
	if (!term || !*term || !strcmp(term, "dumb")) {
		snprintf(err, errlen, "concviz: this terminal (TERM=%s) cannot draw the UI; %s",
			 term && *term ? term : "unset", hint);
		return -1;
	}
	int rc = 0;
	if (setupterm(term, STDOUT_FILENO, &rc) != OK) {
		snprintf(err, errlen, "concviz: this terminal (TERM=%s) is unknown here, so the UI cannot "
			 "be drawn; set TERM (e.g. xterm-256color) or %s", term, hint);
		return -1;
	}
	char *cup = tigetstr("cup");
	bool addressable = cup && cup != (char *)-1;
	del_curterm(cur_term);
	if (!addressable) {
		snprintf(err, errlen, "concviz: this terminal (TERM=%s) cannot draw the UI; %s", term, hint);
		return -1;
	}
	return 0;
}

/* --- signals and exit hooks --------------------------------------------- */

/* SIGINT/SIGTERM/SIGHUP: ask the UI loop to stop (the loop restores the terminal). */
static void tui_on_quit(int sig)
{
	if (getpid() != tui_owner) {
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	tui_quit_sig = sig;
}

/* Fatal signals: restore the terminal, then die of the same signal. */
static void tui_on_fatal(int sig)
{
	signal(sig, SIG_DFL);
	if (tui_active && getpid() == tui_owner) {
		tui_active = 0;
		endwin();
	}
	raise(sig);
}

/* atexit: restore the terminal when someone calls exit() with the UI up. */
static void tui_atexit(void)
{
	if (getpid() == tui_owner)
		tui_stop();
}

/* Install the signal handlers and the atexit hook (once per process). */
static void tui_install_hooks(void)
{
	if (tui_hooks_done)
		return;
	tui_hooks_done = true;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = tui_on_quit;  /* no SA_RESTART: a blocked read returns */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = tui_on_fatal;
	sa.sa_flags = SA_RESETHAND | SA_NODEFER;
	int fatal[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
		sigaction(fatal[i], &sa, NULL);
	atexit(tui_atexit);
}

/* Return the quit signal received, or 0. */
int tui_quit_signal(void)
{
	return tui_quit_sig;
}

/* --- colours -------------------------------------------------------------- */

/* A role's colours: 256-colour fg/bg, 8-colour fg/bg, attributes without colour. */
struct tui_style {
	short fg256, bg256, fg8, bg8;
	attr_t mono;
};

#define DEF (-1)
static const struct tui_style tui_styles[ROLE_COUNT] = {
	[ROLE_TEXT]   = { DEF, DEF, DEF, DEF, A_NORMAL },
	[ROLE_DIM]    = { 245, DEF, COLOR_WHITE, DEF, A_DIM },
	[ROLE_TITLE]  = { 231, 31, COLOR_WHITE, COLOR_BLUE, A_BOLD | A_REVERSE },
	[ROLE_HEADER] = { 254, 237, COLOR_WHITE, COLOR_BLUE, A_REVERSE },
	[ROLE_FOOTER] = { 250, 236, COLOR_WHITE, COLOR_BLACK, A_NORMAL },
	[ROLE_KEY]    = { 221, 236, COLOR_YELLOW, COLOR_BLACK, A_BOLD },
	[ROLE_AXIS]   = { 244, DEF, COLOR_CYAN, DEF, A_DIM },
	[ROLE_LABEL]  = { 252, DEF, DEF, DEF, A_NORMAL },
	[ROLE_SELECT] = { 16, 221, COLOR_BLACK, COLOR_YELLOW, A_REVERSE },
	[ROLE_WARN]   = { 203, DEF, COLOR_RED, DEF, A_BOLD },
	[ROLE_GOOD]   = { 114, DEF, COLOR_GREEN, DEF, A_BOLD },
	[ROLE_BAR]    = { 75, DEF, COLOR_CYAN, DEF, A_NORMAL },
	[ROLE_HILITE] = { 16, 214, COLOR_BLACK, COLOR_YELLOW, A_REVERSE | A_BOLD },
	[ROLE_ST_NONE]     = { DEF, DEF, DEF, DEF, A_NORMAL },
	[ROLE_ST_IDLE]     = { 239, DEF, COLOR_WHITE, DEF, A_DIM },
	[ROLE_ST_QUEUED]   = { 246, 237, COLOR_WHITE, COLOR_BLACK, A_DIM },
	[ROLE_ST_CPU]      = { 41, 22, COLOR_GREEN, COLOR_BLACK, A_NORMAL },
	[ROLE_ST_IO]       = { 39, 25, COLOR_BLUE, COLOR_BLACK, A_NORMAL },
	[ROLE_ST_LOCK]     = { 214, 94, COLOR_YELLOW, COLOR_BLACK, A_BOLD },
	[ROLE_ST_POLL]     = { 141, 54, COLOR_MAGENTA, COLOR_BLACK, A_NORMAL },
	[ROLE_ST_CALLBACK] = { 44, 23, COLOR_CYAN, COLOR_BLACK, A_NORMAL },
	[ROLE_ST_FAILED]   = { 196, 52, COLOR_RED, COLOR_BLACK, A_BOLD },
	[ROLE_ST_READY]    = { 150, 236, COLOR_GREEN, COLOR_BLACK, A_DIM },
	[ROLE_DEADLOCK]    = { 231, 124, COLOR_WHITE, COLOR_RED, A_BOLD | A_REVERSE },
	[ROLE_LOSS]        = { 226, 160, COLOR_YELLOW, COLOR_RED, A_BOLD | A_REVERSE },
	[ROLE_MARK]        = { 231, 90, COLOR_WHITE, COLOR_MAGENTA, A_BOLD | A_REVERSE },
};

/* The alternate shade of each state role (ATTR_ALT), 256 colours. */
static const short tui_alt256[ROLE_COUNT][2] = {
	[ROLE_ST_IDLE] = { 237, DEF }, [ROLE_ST_QUEUED] = { 243, 236 },
	[ROLE_ST_CPU] = { 29, 22 },    [ROLE_ST_IO] = { 33, 24 },
	[ROLE_ST_LOCK] = { 172, 94 },  [ROLE_ST_POLL] = { 98, 54 },
	[ROLE_ST_CALLBACK] = { 30, 23 }, [ROLE_ST_FAILED] = { 160, 52 },
	[ROLE_ST_READY] = { 108, 236 },
};

/* Set up the colour pairs: role r is pair r + 1, its alternate ROLE_COUNT + r + 1. */
static void tui_init_colors(void)
{
	const char *nc = getenv("NO_COLOR");
	tui_color_on = false;
	tui_ncolors = 0;
	if ((nc && *nc) || !has_colors() || start_color() != OK)
		return;
	use_default_colors();
	tui_ncolors = COLORS >= 256 && COLOR_PAIRS >= 2 * ROLE_COUNT + 1 ? 256 : 8;
	if (COLOR_PAIRS < ROLE_COUNT + 1)
		return;
	for (int r = 0; r < ROLE_COUNT; r++) {
		const struct tui_style *s = &tui_styles[r];
		short fg = tui_ncolors == 256 ? s->fg256 : s->fg8;
		short bg = tui_ncolors == 256 ? s->bg256 : s->bg8;
		init_pair((short)(r + 1), fg, bg);
		if (tui_ncolors == 256 && r >= ROLE_ST_NONE) {
			short afg = tui_alt256[r][0] ? tui_alt256[r][0] : fg;
			short abg = tui_alt256[r][0] ? tui_alt256[r][1] : bg;
			init_pair((short)(ROLE_COUNT + r + 1), afg, abg);
		}
	}
	tui_color_on = true;
}

/* The curses attributes and pair of a canvas cell. */
static void tui_cell_style(const struct cell *c, attr_t *attr, short *pair)
{
	int role = c->role < ROLE_COUNT ? c->role : ROLE_TEXT;
	attr_t a = A_NORMAL;
	short p = 0;
	if (tui_color_on) {
		p = (short)(role + 1);
		if (c->attr & ATTR_ALT) {
			if (tui_ncolors == 256 && role >= ROLE_ST_NONE)
				p = (short)(ROLE_COUNT + role + 1);
			else
				a |= A_BOLD;
		}
		if (tui_ncolors == 8 && (role == ROLE_ST_LOCK || role == ROLE_ST_FAILED))
			a |= A_BOLD;
	} else {
		a = tui_styles[role].mono;
		if (c->attr & ATTR_ALT)
			a |= A_DIM;
	}
	if (c->attr & ATTR_BOLD)
		a |= A_BOLD;
	if (c->attr & ATTR_REVERSE)
		a |= A_REVERSE;
	if (c->attr & ATTR_UNDERLINE)
		a |= A_UNDERLINE;
	if (c->attr & ATTR_HILITE)      /* a selected finding: stands out in any colour mode */
		a |= A_BOLD | A_UNDERLINE;
	*attr = a;
	*pair = p;
}

/* True when colours are in use. */
bool tui_colors(void)
{
	return tui_color_on;
}

/* --- start / stop ----------------------------------------------------------- */

/* True when the locale's codeset is UTF-8. */
bool tui_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);
	return cs && (!strcasecmp(cs, "UTF-8") || !strcasecmp(cs, "utf8"));
}

/* Teach curses the usual spellings of Home/End that the terminfo entry may
 * lack (a terminal multiplexer or a TERM that does not match the terminal). */
static void tui_define_keys(void)
{
	static const struct { const char *seq; int key; } alt[] = {
		{ "\033[1~", KEY_HOME }, { "\033[7~", KEY_HOME }, { "\033[H", KEY_HOME }, { "\033OH", KEY_HOME },
		{ "\033[4~", KEY_END },  { "\033[8~", KEY_END },  { "\033[F", KEY_END },  { "\033OF", KEY_END },
	};
	for (size_t i = 0; i < sizeof alt / sizeof alt[0]; i++)
		if (key_defined(alt[i].seq) == 0)
			define_key(alt[i].seq, alt[i].key);
}

/* Take over the terminal. */
int tui_start(char *err, size_t errlen)
{
	if (tui_active)
		return 0;
	if (tui_check(err, errlen) < 0)
		return -1;
	tui_owner = getpid();
	tui_install_hooks();
	set_escdelay(25);
	tui_screen = newterm(NULL, stdout, stdin);
	if (!tui_screen) {
		snprintf(err, errlen, "concviz: could not start the terminal UI (TERM=%s); "
			 "use `concviz run --no-ui` or `concviz show FILE`", getenv("TERM"));
		return -1;
	}
	set_term(tui_screen);
	tui_active = 1;
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	intrflush(stdscr, FALSE);
	timeout(33);
	curs_set(0);
	tui_define_keys();
	mousemask(BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	mouseinterval(0);
	tui_init_colors();
	tui_dirty = true;
	return 0;
}

/* Restore the terminal. */
void tui_stop(void)
{
	if (!tui_active)
		return;
	tui_active = 0;
	mousemask(0, NULL);
	curs_set(1);
	endwin();
	fflush(stdout);
	if (tui_screen) {
		delscreen(tui_screen);
		tui_screen = NULL;
	}
	free(tui_shadow);
	tui_shadow = NULL;
	tui_sw = tui_sh = 0;
}

/* The terminal size in cells. */
void tui_size(int *w, int *h)
{
	*w = tui_active ? COLS : 0;
	*h = tui_active ? LINES : 0;
}

/* --- drawing ------------------------------------------------------------------ */

/* Forget what is on screen. */
void tui_invalidate(void)
{
	tui_dirty = true;
}

/* Put one cell on the screen; returns the cells it covers (1 or 2). */
static int tui_put(int x, int y, const struct cell *c, int room)
{
	wchar_t wc[2] = { (wchar_t)c->ch, 0 };
	int width = c->ch < 0x80 ? 1 : wcwidth(wc[0]);
	if (c->ch < 0x20 || c->ch == 0x7f || width < 1 || (width == 2 && room < 2)) {
		wc[0] = c->ch == 0 ? L' ' : L'?';
		width = 1;
	}
	attr_t a;
	short pair;
	tui_cell_style(c, &a, &pair);
	cchar_t cc;
	setcchar(&cc, wc, a, pair, NULL);
	mvadd_wch(y, x, &cc);
	return width;
}

/* Draw a canvas, touching only what changed. */
void tui_draw(const struct canvas *c)
{
	if (!tui_active || !c)
		return;
	int w = c->w < COLS ? c->w : COLS, h = c->h < LINES ? c->h : LINES;
	if (w != tui_sw || h != tui_sh || !tui_shadow)
		tui_dirty = true;
	if (tui_dirty) {
		struct cell *ns = realloc(tui_shadow, (size_t)(w > 0 ? w : 1) * (size_t)(h > 0 ? h : 1) * sizeof *ns);
		if (!ns)
			return; /* out of memory: skip the frame, try again next time */
		tui_shadow = ns;
		tui_sw = w;
		tui_sh = h;
		for (int i = 0; i < w * h; i++)
			tui_shadow[i] = (struct cell){ 0xffffffffu, 0xff, 0xff };
		erase();
		clearok(curscr, TRUE);
		tui_dirty = false;
	}
	for (int y = 0; y < h; y++) {
		const struct cell *row = c->cells + (size_t)y * (size_t)c->w;
		struct cell *sh = tui_shadow + (size_t)y * (size_t)w;
		for (int x = 0; x < w; x++) {
			const struct cell *cl = &row[x];
			bool wide = cl->ch >= 0x1100 && wcwidth((wchar_t)cl->ch) == 2;
			bool same = sh[x].ch == cl->ch && sh[x].role == cl->role && sh[x].attr == cl->attr;
			if (same && !wide)
				continue;
			int n = tui_put(x, y, cl, w - x);
			sh[x] = *cl;
			if (n == 2) { /* the wide glyph covers the next cell */
				sh[x + 1] = (struct cell){ 0xffffffffu, 0xff, 0xff };
				x++;
			}
		}
	}
	refresh();
}

/* --- input ----------------------------------------------------------------------- */

/* Map a curses function key to a KEYS_* code; 0 when it means nothing here. */
static uint32_t tui_map_key(int k)
{
	switch (k) {
	case KEY_UP: return KEYS_UP;
	case KEY_DOWN: return KEYS_DOWN;
	case KEY_LEFT: return KEYS_LEFT;
	case KEY_RIGHT: return KEYS_RIGHT;
	case KEY_SLEFT: return KEYS_SLEFT;
	case KEY_SRIGHT: return KEYS_SRIGHT;
	case KEY_PPAGE: return KEYS_PGUP;
	case KEY_NPAGE: return KEYS_PGDN;
	case KEY_HOME: return KEYS_HOME;
	case KEY_END: return KEYS_END;
	case KEY_BTAB: return KEYS_BTAB;
	case KEY_RESIZE: return KEYS_RESIZE;
	case KEY_MOUSE: return KEYS_MOUSE;
	case KEY_ENTER: return '\r';
	default: return 0;
	}
}

/* Read one input event within timeout_ms. */
int tui_read(struct key_input *in, int timeout_ms)
{
	memset(in, 0, sizeof *in);
	if (!tui_active)
		return 0;
	timeout(timeout_ms);
	wint_t wch;
	int rc = get_wch(&wch);
	if (rc == ERR)
		return 0;
	if (rc == OK) {
		in->key = (uint32_t)wch;
		return 1;
	}
	uint32_t k = tui_map_key((int)wch);
	if (!k)
		return 0;
	in->key = k;
	if (k == KEYS_RESIZE) {
		tui_dirty = true;
	} else if (k == KEYS_MOUSE) {
		MEVENT ev;
		if (getmouse(&ev) != OK)
			return 0;
		in->x = ev.x;
		in->y = ev.y;
		if (ev.bstate & BUTTON4_PRESSED)
			in->button = KEYS_BTN_WHEEL_UP;
		else if (ev.bstate & BUTTON5_PRESSED)
			in->button = KEYS_BTN_WHEEL_DOWN;
		else if (ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED))
			in->button = KEYS_BTN_CLICK;
		else
			return 0;
	}
	return 1;
}
