/*
 * player.c - the playback clock of a replay (see player.h).
 *
 * The head moves by (wall now - wall at the last tick) * speed; pausing
 * forgets the wall time so that a pause never counts. Before the end of the
 * recording is known the head may run ahead of the events read so far; the
 * replay UI then simply feeds events as they arrive.
 */
#include <math.h>
#include "player.h"

/* Clamp a speed into the allowed range. */
static double player_clamp_speed(double s)
{
	if (isnan(s))
		return 1.0;
	if (s < PLAYER_MIN_SPEED)
		return PLAYER_MIN_SPEED;
	if (s > PLAYER_MAX_SPEED)
		return PLAYER_MAX_SPEED;
	return s;
}

/* Clamp a head position to 0 and, once known, the final end. */
static int64_t player_clamp(const struct player *p, int64_t t)
{
	if (t < 0)
		t = 0;
	if (p->end_final && t > (p->end < 0 ? 0 : p->end))
		t = p->end < 0 ? 0 : p->end;
	return t;
}

/* Start at 0, playing at speed. */
void player_init(struct player *p, double speed)
{
	p->speed = player_clamp_speed(speed);
	p->playing = true;
	p->pos = 0;
	p->end = -1;
	p->end_final = false;
	p->wall = 0;
}

/* True when speed is within the allowed range. */
bool player_speed_ok(double speed)
{
	return !isnan(speed) && speed >= PLAYER_MIN_SPEED && speed <= PLAYER_MAX_SPEED;
}

/* Advance the head by the elapsed wall time times the speed. */
int64_t player_tick(struct player *p, uint64_t wall_ns)
{
	if (p->playing && p->wall != 0 && wall_ns > p->wall) {
		double d = (double)(wall_ns - p->wall) * p->speed;
		if ((double)p->pos + d >= 9.0e18)
			p->pos = INT64_MAX;
		else
			p->pos += (int64_t)d;
	}
	p->wall = wall_ns;
	p->pos = player_clamp(p, p->pos);
	if (player_at_end(p))
		p->playing = false;
	return p->pos;
}

/* Play or pause; at the final end play restarts from 0. */
bool player_toggle(struct player *p, uint64_t wall_ns)
{
	bool restart = false;
	if (!p->playing && player_at_end(p)) {
		p->pos = 0;
		restart = true;
	}
	p->playing = !p->playing;
	p->wall = wall_ns;
	return restart;
}

/* Double the speed, up to the maximum. */
void player_faster(struct player *p)
{
	p->speed = player_clamp_speed(p->speed * 2);
}

/* Halve the speed, down to the minimum. */
void player_slower(struct player *p)
{
	p->speed = player_clamp_speed(p->speed / 2);
}

/* Pause and move one step forward. */
void player_step(struct player *p)
{
	p->playing = false;
	if (p->pos <= INT64_MAX - PLAYER_STEP_NS)
		p->pos += PLAYER_STEP_NS;
	p->pos = player_clamp(p, p->pos);
}

/* Move the head to t; true when it moved backwards. */
bool player_seek(struct player *p, int64_t t)
{
	int64_t old = p->pos;
	p->pos = player_clamp(p, t);
	return p->pos < old;
}

/* Scrub by dir steps of 1 s, or 5 % of the recording when shorter. */
bool player_scrub(struct player *p, int dir)
{
	int64_t step = PLAYER_SCRUB_NS;
	if (p->end > 0 && p->end / 20 < step)
		step = p->end / 20;
	if (step < 1000000)
		step = 1000000; /* at least 1 ms, so a scrub always moves */
	int64_t base = p->pos;
	if (!p->end_final && p->end >= 0 && base > p->end)
		base = p->end; /* the head ran ahead of what was read: scrub from there */
	int64_t t;
	if (dir < 0)
		t = base < -(int64_t)dir * step ? 0 : base + (int64_t)dir * step;
	else
		t = base > INT64_MAX - (int64_t)dir * step ? INT64_MAX : base + (int64_t)dir * step;
	return player_seek(p, t);
}

/* Seek to the end (known or not). */
void player_seek_end(struct player *p)
{
	p->pos = player_clamp(p, INT64_MAX);
}

/* Record the newest known event time and whether it is final. */
void player_set_end(struct player *p, int64_t end, bool final)
{
	p->end = end;
	p->end_final = final;
	p->pos = player_clamp(p, p->pos);
}

/* True at the final end. */
bool player_at_end(const struct player *p)
{
	return p->end_final && p->pos >= (p->end < 0 ? 0 : p->end);
}
