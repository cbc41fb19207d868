/*
 * sdk.c - the SDK transport's reading side: the directory and its shards.
 *
 * sdk_open makes a private directory (mode 0700, /dev/shm first, named
 * after concviz's pid, so that the directories a concviz killed with
 * SIGKILL left are recognised and removed the next time) and watches it
 * with inotify; a traced program's threads create their shard
 * files in it (sdk/concviz.h). Each poll:
 *
 *   discover  names inotify reported (or a listing of the directory, at
 *             first, after an inotify overflow, or every 50 ms without
 *             inotify) are opened without following links or blocking and
 *             kept as pending until their header is complete and sane;
 *   read      for each shard, pread its head and dropped count, then the
 *             records from our tail to its head (stamped before `now`),
 *             check each one (sdk_wire.c, plus time: after the shard was
 *             made, after the shard's previous record, not from the future)
 *             and pwrite the new tail back;
 *   deliver   the good records of every shard, sorted by time, to the
 *             callback, then one SDK_GONE record per producer thread that
 *             is gone (told by sdk_thread_gone, or no longer in /proc) and
 *             whose shard is drained; such shards are closed and removed
 *             (a pending shard whose thread is gone, too: it holds no record).
 *
 * Shards are read with pread, never mapped: a program that shrinks its
 * file makes a read come up short (the shard is refused), where a mapping
 * would fault. Ordering: the producer stores a record, then its head with
 * a release store; our pread of the head comes before the pread of the
 * records (two system calls, and an acquire fence between them for form),
 * so every record below the head we read is complete. A record stamped
 * before `now` but published after we read the head comes in the next
 * poll, as with the event ring.
 *
 * Bounds: at most SDK_MAX_SHARDS shards open (a name found while the table
 * is full is looked for again later), SDK_POLL_MAX records per poll, 64
 * inotify reads per poll, a shard's size checked against its header before
 * anything is read, a pending shard given SDK_PENDING_NS. Anything
 * malformed - a file name that is not "<pid>.<tid>", a symlink, a fifo, a
 * directory, a file of the wrong size or with another owner or a second
 * link, a bad header, a head behind our tail or more than a shard ahead, a
 * bad record - counts one rejection; a bad shard is closed and removed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>
#include "clock.h"
#include "codec.h"
#include "sdk.h"

#define SDK_CHUNK 256                   /* records per pread */
#define SDK_IGNORED_MAX 1024            /* refused names that could not be removed */
#define SDK_RESCAN_NS 50000000ull       /* list the directory at most every 50 ms */
#define SDK_MAX_FILE ((off_t)CVZ_WIRE_HEADER + (off_t)SDK_COUNT_MAX * CVZ_WIRE_RECORD)
#define SDK_NAME 32                     /* a shard's name fits ("4294967295.4294967295.999") */
#define SDK_SWEEP_MAX 64                /* stale directories removed per sdk_open, at most */

enum { SH_PENDING = 0, SH_ACTIVE = 1 };
enum { SH_KEEP = 0, SH_FORGET = 1 };    /* what shard_* tell the poll loop */

struct sdk_shard {
	int fd;
	uint8_t state;        /* SH_PENDING until its header is good */
	bool gone;            /* its thread is gone (told, or not in /proc) */
	bool drained;         /* the last read reached its head */
	uint8_t producer;
	uint32_t pid, tid;    /* from its name; the header must agree */
	uint32_t count;       /* records */
	uint64_t created;     /* the producer's clock when it made the shard */
	uint64_t tail;        /* next record to read */
	uint64_t dropped;     /* the producer's dropped count when last read */
	uint64_t last_t;      /* time of the newest record handed over */
	uint64_t seen;        /* when the name was found */
	uint64_t checked;     /* when its thread was last looked for in /proc */
	char name[SDK_NAME];
};

struct sdk_key {          /* a batch record's place in time order */
	uint64_t t;
	uint32_t i;
};

struct sdk {
	char dir[PATH_MAX];
	char env[PATH_MAX + 16];
	int dfd;              /* the directory */
	int ifd;              /* inotify, -1 when unavailable */
	uint64_t t_open;
	bool scanned;         /* listed at least once */
	bool rescan;          /* list it again: an overflow, or names not taken */
	uint64_t last_scan;
	struct sdk_shard *shards;
	size_t nshards, shards_cap;
	char (*ignored)[SDK_NAME + 1];
	size_t nignored;
	uint64_t dropped, rejected;
	struct sdk_rec *batch;
	struct sdk_key *keys;
	size_t nbatch, batch_cap;
	uint8_t buf[SDK_CHUNK * CVZ_WIRE_RECORD];
};

/* Add b to *a, stopping at UINT64_MAX. */
static void add_sat(uint64_t *a, uint64_t b)
{
	*a = *a > UINT64_MAX - b ? UINT64_MAX : *a + b;
}

static void sdk_empty(int dfd, int depth);

/* Remove the directories "concviz-sdk.<pid>.*" of base that a concviz no
 * longer running left (it was killed before it could): only ours (owner),
 * only real directories, at most SDK_SWEEP_MAX of them, looking at no more
 * than 10,000 names. */
static void sdk_sweep(const char *base)
{
	DIR *d = opendir(base);
	if (!d)
		return;
	struct dirent *e;
	int removed = 0;
	for (int n = 0; n < 10000 && removed < SDK_SWEEP_MAX && (e = readdir(d)); n++) {
		unsigned pid;
		char rest[16];
		struct stat st;
		if (sscanf(e->d_name, "concviz-sdk.%u.%15s", &pid, rest) != 2 || pid == 0 ||
		    pid > INT_MAX || kill((pid_t)pid, 0) == 0 || errno != ESRCH ||
		    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISDIR(st.st_mode) || st.st_uid != geteuid())
			continue;
		int fd = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			continue;
		sdk_empty(fd, 8);
		removed += unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR) == 0;
	}
	closedir(d);
}

/* Make "<base>/concviz-sdk.<pid>.XXXXXX" and open it (removing what dead
 * concviz processes left there first); 0 or a negative errno. */
static int sdk_mkdir(struct sdk *s, const char *base)
{
	if (!base || !*base || snprintf(s->dir, sizeof s->dir, "%s/concviz-sdk.%d.XXXXXX", base,
					(int)getpid()) >= (int)sizeof s->dir)
		return -ENAMETOOLONG;
	sdk_sweep(base);
	if (!mkdtemp(s->dir))
		return -errno;
	s->dfd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->dfd < 0) {
		int e = errno;
		rmdir(s->dir);
		return -e;
	}
	return 0;
}

/* Make the private directory and watch it; see sdk.h. */
int sdk_open(struct sdk **out, const char *base)
{
	*out = NULL;
	struct sdk *s = calloc(1, sizeof *s);
	if (!s)
		return -ENOMEM;
	int rc = -ENOENT;
	if (base)
		rc = sdk_mkdir(s, base);
	else {
		const char *bases[] = { "/dev/shm", getenv("TMPDIR"), "/tmp" };
		for (size_t i = 0; i < 3 && rc < 0; i++)
			rc = sdk_mkdir(s, bases[i]);
	}
	if (rc < 0) {
		free(s);
		return rc;
	}
	s->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (s->ifd >= 0 && inotify_add_watch(s->ifd, s->dir, IN_CREATE | IN_MOVED_TO) < 0) {
		close(s->ifd);
		s->ifd = -1;
	}
	snprintf(s->env, sizeof s->env, "CONCVIZ_SDK=%s", s->dir);
	s->t_open = clock_ns();
	*out = s;
	return 0;
}

/* Return "CONCVIZ_SDK=<dir>". */
const char *sdk_env(const struct sdk *s)
{
	return s->env;
}

/* Return the directory's path. */
const char *sdk_dir(const struct sdk *s)
{
	return s->dir;
}

/* Remove everything in directory dfd (closes it), going at most `depth`
 * directories down and looking at no more than 100,000 names in each. */
static void sdk_empty(int dfd, int depth)
{
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return;
	}
	struct dirent *e;
	for (int n = 0; n < 100000 && (e = readdir(d)); n++) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (unlinkat(dirfd(d), e->d_name, 0) == 0 || errno != EISDIR || depth <= 0)
			continue;
		int sub = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub >= 0)
			sdk_empty(sub, depth - 1);
		unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR);
	}
	closedir(d);
}

/* Remove the directory and everything in it; free s. */
void sdk_close(struct sdk *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nshards; i++)
		close(s->shards[i].fd);
	if (s->ifd >= 0)
		close(s->ifd);
	sdk_empty(s->dfd, 8);
	rmdir(s->dir);
	free(s->shards);
	free(s->ignored);
	free(s->batch);
	free(s->keys);
	free(s);
}

/* True when name is a shard we read or a name we refused before. */
static bool sdk_known(const struct sdk *s, const char *name)
{
	for (size_t i = 0; i < s->nshards; i++)
		if (!strcmp(s->shards[i].name, name))
			return true;
	for (size_t i = 0; i < s->nignored; i++)
		if (!strcmp(s->ignored[i], name))
			return true;
	return false;
}

/* Refuse the file `name`: count it and remove it, or remember it when it
 * cannot be removed (a directory with something in it). */
static void sdk_refuse(struct sdk *s, const char *name)
{
	s->rejected++;
	if (unlinkat(s->dfd, name, 0) == 0 || errno == ENOENT)
		return;
	if (errno == EISDIR && unlinkat(s->dfd, name, AT_REMOVEDIR) == 0)
		return;
	if (strlen(name) > SDK_NAME)
		return;                 /* never a shard: no need to tell it apart */
	if (!s->ignored && !(s->ignored = calloc(SDK_IGNORED_MAX, sizeof *s->ignored)))
		return;
	if (s->nignored < SDK_IGNORED_MAX)
		strcpy(s->ignored[s->nignored++], name);
}

/* Look at a new name in the directory: refuse it, or keep it as a pending
 * shard (opened, not yet read). */
static void sdk_admit(struct sdk *s, const char *name, uint64_t now)
{
	uint32_t pid, tid;
	if (sdk_known(s, name))
		return;
	if (strlen(name) >= SDK_NAME || sdk_wire_name(name, &pid, &tid) < 0) {
		sdk_refuse(s, name);
		return;
	}
	if (s->nshards == s->shards_cap) {
		size_t cap = s->shards_cap ? s->shards_cap * 2 : 16;
		struct sdk_shard *p = s->nshards < SDK_MAX_SHARDS ? realloc(s->shards, cap * sizeof *p) : NULL;
		if (!p) {
			s->rescan = true;       /* full: look again later */
			return;
		}
		s->shards = p;
		s->shards_cap = cap;
	}
	int fd = openat(s->dfd, name, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == EMFILE || errno == ENFILE || errno == ENOMEM)
			s->rescan = true;
		else if (errno != ENOENT)
			sdk_refuse(s, name);    /* a symlink, a directory, a socket */
		return;
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1 ||
	    st.st_uid != geteuid() || st.st_size > SDK_MAX_FILE) {
		close(fd);
		sdk_refuse(s, name);
		return;
	}
	struct sdk_shard *sh = &s->shards[s->nshards++];
	*sh = (struct sdk_shard){ .fd = fd, .state = SH_PENDING, .pid = pid, .tid = tid,
				  .seen = now, .checked = now };
	strcpy(sh->name, name);
}

/* List the directory and admit every name not seen yet. */
static void sdk_scan(struct sdk *s, uint64_t now)
{
	s->scanned = true;
	s->rescan = false;
	s->last_scan = now;
	int fd = openat(s->dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		s->rescan = true;
		return;
	}
	struct dirent *e;
	for (int n = 0; n < 100000 && (e = readdir(d)); n++)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			sdk_admit(s, e->d_name, now);
	closedir(d);
}

/* Admit the names inotify reported; list the directory when needed. */
static void sdk_discover(struct sdk *s, uint64_t now)
{
	for (int k = 0; s->ifd >= 0 && k < 64; k++) {
		_Alignas(struct inotify_event) char buf[4096];
		ssize_t n = read(s->ifd, buf, sizeof buf);
		if (n <= 0)
			break;
		for (ssize_t p = 0; p + (ssize_t)sizeof(struct inotify_event) <= n;) {
			const struct inotify_event *e = (const struct inotify_event *)(buf + p);
			if (e->mask & IN_Q_OVERFLOW)
				s->rescan = true;
			else if (e->len && memchr(e->name, 0, e->len))
				sdk_admit(s, e->name, now);
			p += (ssize_t)sizeof *e + e->len;
		}
	}
	if (!s->scanned || ((s->rescan || s->ifd < 0) && now - s->last_scan >= SDK_RESCAN_NS))
		sdk_scan(s, now);
}

/* Look at a pending shard's header: make it active, leave it pending, or
 * refuse it (SH_FORGET, counted). */
static int shard_make(struct sdk *s, struct sdk_shard *sh, uint64_t now)
{
	struct stat st;
	uint8_t b[CVZ_WIRE_HEADER];
	struct sdk_hdr h;
	if (fstat(sh->fd, &st) < 0)
		goto bad;
	int rc = -EAGAIN;
	if (st.st_size >= (off_t)CVZ_WIRE_HEADER) {
		if (pread(sh->fd, b, sizeof b, 0) != (ssize_t)sizeof b)
			goto bad;
		rc = sdk_wire_header(b, &h);
	} else if (st.st_size >= 8) {   /* producers size the file before the magic */
		if (pread(sh->fd, b, 8, 0) != 8 || memcmp(b, "\0\0\0\0\0\0\0\0", 8))
			goto bad;
	}
	if (rc == -EAGAIN) {
		if (now <= sh->seen + SDK_PENDING_NS)
			return SH_KEEP;         /* its producer is still making it */
		goto bad;
	}
	if (rc < 0 || h.pid != sh->pid || h.tid != sh->tid ||
	    st.st_size != (off_t)CVZ_WIRE_HEADER + (off_t)h.count * CVZ_WIRE_RECORD ||
	    h.created < s->t_open || h.created > now + SDK_FUTURE_NS)
		goto bad;
	sh->state = SH_ACTIVE;
	sh->count = h.count;
	sh->producer = (uint8_t)h.producer;
	sh->created = sh->last_t = h.created;
	sh->tail = 0;
	return SH_KEEP;
bad:
	s->rejected++;
	return SH_FORGET;
}

/* Append r (of shard sh) to the batch; 0 or -ENOMEM. */
static int batch_push(struct sdk *s, const struct sdk_shard *sh, const struct sdk_rec *r)
{
	if (s->nbatch == s->batch_cap) {
		size_t cap = s->batch_cap ? s->batch_cap * 2 : 256;
		if (cap > SDK_POLL_MAX)
			cap = SDK_POLL_MAX;
		struct sdk_rec *b = realloc(s->batch, cap * sizeof *b);
		if (b)
			s->batch = b;
		struct sdk_key *k = b ? realloc(s->keys, cap * sizeof *k) : NULL;
		if (!k)
			return -ENOMEM;
		s->keys = k;
		s->batch_cap = cap;
	}
	struct sdk_rec *o = &s->batch[s->nbatch];
	*o = *r;
	o->pid = sh->pid;
	o->tid = sh->tid;
	o->producer = sh->producer;
	s->keys[s->nbatch] = (struct sdk_key){ r->t, (uint32_t)s->nbatch };
	s->nbatch++;
	return 0;
}

/* Read shard sh's new records stamped before cut into the batch, at most
 * *budget; returns SH_KEEP, SH_FORGET (refused, counted) or -ENOMEM. */
static int shard_read(struct sdk *s, struct sdk_shard *sh, uint64_t cut, uint64_t now,
		      size_t *budget)
{
	uint8_t hb[16];
	if (pread(sh->fd, hb, sizeof hb, CVZ_WIRE_OFF_HEAD) != (ssize_t)sizeof hb)
		goto bad;
	uint64_t head = codec_get64(hb), dropped = codec_get64(hb + 8);
	if (head < sh->tail || head - sh->tail > sh->count)
		goto bad;               /* no producer of ours writes that */
	if (dropped > sh->dropped) {
		add_sat(&s->dropped, dropped - sh->dropped);
		sh->dropped = dropped;
	}
#ifndef __SANITIZE_THREAD__     /* TSan does not model fences (and sees no pread) */
	atomic_thread_fence(memory_order_acquire);
#endif
	uint64_t from = sh->tail;
	bool stop = false;
	int rc = SH_KEEP;
	while (!stop && sh->tail < head && *budget > 0) {
		uint64_t at = sh->tail & (sh->count - 1), n = head - sh->tail;
		if (n > SDK_CHUNK)
			n = SDK_CHUNK;
		if (n > sh->count - at)
			n = sh->count - at;
		if (n > *budget)
			n = *budget;
		size_t bytes = (size_t)n * CVZ_WIRE_RECORD;
		if (pread(sh->fd, s->buf, bytes, CVZ_WIRE_HEADER + (off_t)at * CVZ_WIRE_RECORD) !=
		    (ssize_t)bytes)
			goto bad;
		for (uint64_t k = 0; k < n; k++) {
			struct sdk_rec r;
			if (sdk_wire_record(s->buf + k * CVZ_WIRE_RECORD, sh->tail, &r) < 0 ||
			    r.t < sh->last_t || r.t > now + SDK_FUTURE_NS) {
				s->rejected++;
				sh->tail++;
				continue;
			}
			if (r.t >= cut || (rc = batch_push(s, sh, &r)) < 0) {
				stop = true;    /* later, or no memory: it stays for the next poll */
				break;
			}
			sh->last_t = r.t;
			sh->tail++;
			(*budget)--;
		}
	}
	sh->drained = sh->tail == head;
	if (sh->tail != from) {
		uint8_t tb[8];
		codec_put64(tb, sh->tail);
		if (pwrite(sh->fd, tb, sizeof tb, CVZ_WIRE_OFF_TAIL) != (ssize_t)sizeof tb)
			goto bad;
	}
	return rc;
bad:
	s->rejected++;
	return SH_FORGET;
}

/* Close shard i and remove its file; the last shard takes its place. */
static void shard_forget(struct sdk *s, size_t i)
{
	close(s->shards[i].fd);
	unlinkat(s->dfd, s->shards[i].name, 0);
	s->shards[i] = s->shards[--s->nshards];
}

/* True when thread tid of process pid no longer runs (not in /proc, or a
 * zombie). */
static bool thread_gone(uint32_t pid, uint32_t tid)
{
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/%u/task/%u/stat", pid, tid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == ESRCH;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return n == 0 || errno == ESRCH;
	buf[n] = 0;
	const char *p = strrchr(buf, ')');
	return p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X');
}

/* Order batch keys by time, then by place (each shard's records are
 * already in order, and stay so). */
static int key_cmp(const void *a, const void *b)
{
	const struct sdk_key *x = a, *y = b;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* Hand the batch to fn in time order; returns how many. */
static long batch_deliver(struct sdk *s, sdk_fn fn, void *ctx)
{
	if (s->nbatch > 1)
		qsort(s->keys, s->nbatch, sizeof *s->keys, key_cmp);
	for (size_t i = 0; i < s->nbatch; i++)
		fn(ctx, &s->batch[s->keys[i].i]);
	long n = (long)s->nbatch;
	s->nbatch = 0;
	return n;
}

/* Hand over SDK_GONE for shard i and forget it. */
static void shard_gone(struct sdk *s, size_t i, uint64_t now, sdk_fn fn, void *ctx)
{
	struct sdk_shard *sh = &s->shards[i];
	struct sdk_rec r = { .t = now > sh->last_t ? now : sh->last_t, .pid = sh->pid,
			     .tid = sh->tid, .kind = SDK_GONE, .producer = sh->producer };
	fn(ctx, &r);
	shard_forget(s, i);
}

/* Read every shard once into the batch (records before cut); refused
 * shards are forgotten. Returns 0 or -ENOMEM. */
static int sdk_read_all(struct sdk *s, uint64_t cut, uint64_t now, size_t *budget)
{
	int rc = 0;
	for (size_t i = 0; i < s->nshards;) {
		struct sdk_shard *sh = &s->shards[i];
		int r = sh->state == SH_PENDING ? shard_make(s, sh, now) : SH_KEEP;
		if (r == SH_KEEP && sh->state == SH_ACTIVE)
			r = shard_read(s, sh, cut, now, budget);
		if (r == SH_FORGET) {
			shard_forget(s, i);
			continue;
		}
		if (r < 0)
			rc = r;
		i++;
	}
	return rc;
}

/* Find, read and hand over new records; see sdk.h. */
long sdk_poll(struct sdk *s, uint64_t now, sdk_fn fn, void *ctx)
{
	size_t budget = SDK_POLL_MAX;
	sdk_discover(s, now);
	int rc = sdk_read_all(s, now, now, &budget);
	long n = batch_deliver(s, fn, ctx);
	for (size_t i = 0; i < s->nshards;) {
		struct sdk_shard *sh = &s->shards[i];
		if ((sh->state == SH_PENDING || sh->drained) && !sh->gone &&
		    now - sh->checked >= SDK_LIVE_CHECK_NS) {
			sh->checked = now;
			sh->gone = thread_gone(sh->pid, sh->tid);
		}
		uint8_t hb[8];
		/* gone and drained: one more look at its head, which can no longer move */
		if (sh->state == SH_ACTIVE && sh->gone && sh->drained &&
		    pread(sh->fd, hb, sizeof hb, CVZ_WIRE_OFF_HEAD) == (ssize_t)sizeof hb &&
		    codec_get64(hb) == sh->tail) {
			shard_gone(s, i, now, fn, ctx);
			n++;
			continue;
		}
		/* gone while pending: one more look, as its thread may have
		 * finished the header (and written records) since the read */
		if (sh->state == SH_PENDING && sh->gone &&
		    (shard_make(s, sh, now) != SH_KEEP || sh->state == SH_PENDING)) {
			shard_forget(s, i);     /* died before writing a header: nothing lost */
			continue;
		}
		i++;
	}
	return rc < 0 ? rc : n;
}

/* Read every shard to its end, hand over everything, forget them all. */
long sdk_finish(struct sdk *s, uint64_t now, sdk_fn fn, void *ctx)
{
	sdk_discover(s, now);
	sdk_scan(s, now);
	/* a round reads up to SDK_POLL_MAX records; the shards hold at most
	 * the sum of their counts, so that many rounds drain them all even if
	 * a producer (a child that outlived the program) still writes */
	uint64_t total = 0;
	for (size_t i = 0; i < s->nshards; i++)
		total += s->shards[i].state == SH_ACTIVE ? s->shards[i].count : SDK_COUNT_MAX;
	long n = 0;
	for (uint64_t round = 0; round <= total / SDK_POLL_MAX + 1; round++) {
		size_t budget = SDK_POLL_MAX;
		int rc = sdk_read_all(s, UINT64_MAX, now, &budget);
		long got = (long)s->nbatch;
		n += batch_deliver(s, fn, ctx);
		if (rc < 0)
			return rc;
		if (got == 0)
			break;
	}
	while (s->nshards) {
		if (s->shards[0].state == SH_ACTIVE) {
			shard_gone(s, 0, now, fn, ctx);
			n++;
		} else
			shard_forget(s, 0);     /* never made: it holds no record */
	}
	return n;
}

/* Mark the shards of thread (pid, tid) as gone. */
void sdk_thread_gone(struct sdk *s, uint32_t pid, uint32_t tid)
{
	for (size_t i = 0; i < s->nshards; i++)
		if (s->shards[i].pid == pid && s->shards[i].tid == tid)
			s->shards[i].gone = true;
}

/* Events producers dropped. */
uint64_t sdk_dropped(const struct sdk *s)
{
	return s->dropped;
}

/* Records and files rejected. */
uint64_t sdk_rejected(const struct sdk *s)
{
	return s->rejected;
}

/* Shards being read. */
size_t sdk_shards(const struct sdk *s)
{
	return s->nshards;
}
