/*
 * racetally.c - tl->race from the EV_RACE events (see racetally.h).
 */
#include "racetally.h"

/* Take one EV_RACE event at time t. */
int racetally_event(struct timeline *tl, const struct cv_event *ev, int64_t t)
{
	struct tl_race *r = &tl->race;
	switch (ev->code) {
	case RACE_PLAN:
		r->known = true;
		r->expected = ev->arg;
		return 0;
	case RACE_LOSS: {
		struct lanemark m = { t, ev->arg, ev->aux, ev->task };
		int rc = lanemarks_add(&tl->race_marks, ev->lane, &m);
		if (rc < 0)
			return rc;
		r->known = true;
		if (!r->ended)
			r->lost++;
		if (r->t_first_loss < 0 || t < r->t_first_loss)
			r->t_first_loss = t;
		return 0;
	}
	case RACE_VALUE:
		r->known = true;
		if (!r->ended)
			r->final = ev->arg;
		return 0;
	case RACE_FINAL:
		r->known = true;
		r->ended = true;
		r->final = ev->arg;
		r->lost = ev->aux > ev->arg ? ev->aux - ev->arg : 0;
		return 0;
	default:
		return 0;                                /* a code from a later version */
	}
}

/* Return the lost-update moments of lane l in [t0, t1). */
size_t racetally_losses(const struct timeline *tl, uint32_t l, int64_t t0, int64_t t1,
			const struct lanemark **first)
{
	return lanemarks_range(tl->race_marks, l, t0, t1, first);
}

/* Free the marks. */
void racetally_free(struct timeline *tl)
{
	lanemarks_free(tl->race_marks);
	tl->race_marks = NULL;
}
