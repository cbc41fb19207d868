/*
 * glyphs.h - the characters views draw with, UTF-8 or their ASCII fall-back.
 *
 * Each timeline display state has a glyph (and a colour role, ROLE_ST_*), so
 * a diagram reads without colour. The states whose spans can follow each
 * other on one lane for different tasks (cpu, io, callback) have a second,
 * alternate glyph used for every other task, so that back-to-back tasks stay
 * distinguishable in plain text too.
 */
#ifndef CV_GLYPHS_H
#define CV_GLYPHS_H

#include <stdbool.h>
#include <stdint.h>

/* Other glyphs of the views. */
enum glyph_id {
	GL_BAR_FULL = 0,  /* progress / compare bars */
	GL_BAR_EMPTY,
	GL_BAR_HALF,      /* a half cell at the end of a bar */
	GL_TICK,          /* axis tick mark */
	GL_AXIS,          /* axis line */
	GL_VLINE,         /* column separator */
	GL_SPARK0,        /* sparkline: lowest of 8 levels (GL_SPARK0 + 0..7) */
	GL_LOSS = GL_SPARK0 + 8, /* a lost update (race workload) */
	GL_DEADLOCK,      /* a lane's wait in a deadlock cycle */
	GL_MARK,          /* a traced program's own mark (cvz_mark) */
	GL_COUNT
};

/* Return the glyph of display state st (enum tl_state); alt selects the
 * alternate glyph of the states that have one. */
uint32_t glyph_state(int st, bool alt, bool utf8);

/* Return a glyph of the views. */
uint32_t glyph_get(enum glyph_id g, bool utf8);

/* Return the colour role of display state st (ROLE_ST_*). */
int glyph_role(int st);

/* Return the legend's label of state st ("cpu", "io", "gil wait"...). */
const char *glyph_label(int st);

/* The states shown in legends, in legend order; returns their count. */
int glyph_legend_states(const int **states);

#endif
