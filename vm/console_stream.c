/* A guest console over a libvirt stream, bridged to a socket pair
 * (console_stream.h).
 *
 * Every callback runs on the event thread; vm_console_stream_close runs on
 * a runner's.  cs->lock orders them, always taken before any libvirt lock
 * (the callbacks take it first, then call into the stream; close does the
 * same).  The object is freed on the event thread too, by a timer that
 * close adds once both callbacks are removed: a callback already under way
 * when close ran has finished by then, and none comes after.  (libvirt's
 * own free functions are not used: a stream callback removed while it is
 * being dispatched never gets its free function called.)  The loop keeps
 * running until every such timer has run. */
#include "console_stream.h"

#include <libvirt/virterror.h>

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Console bytes the bridge holds while the reader is behind; past that the
 * stream is left unread (libvirt queues it) until the socket drains. */
#define OUT_MAX (64 * 1024)
#define IN_MAX 1024

struct vm_console_stream {
	pthread_mutex_t lock;
	virStreamPtr st;
	int fd;                 /* the event thread's end of the pair; -1 once closed */
	int user_fd;            /* the reader's end */
	int watch;              /* virEventAddHandle on fd; -1 when none */
	bool st_cb;             /* a stream callback is registered */
	bool ended;             /* the stream ended (EOF, error, hang-up) */
	bool closing;
	char out[OUT_MAX];      /* from the guest, not yet written to fd */
	size_t out_len;
	char in[IN_MAX];        /* for the guest, not yet sent */
	size_t in_len;
};

/* --- the event loop ----------------------------------------------------- */

static pthread_mutex_t ev_lock = PTHREAD_MUTEX_INITIALIZER;
static bool ev_registered;
static unsigned ev_users;
static pthread_t ev_thread;
static atomic_bool ev_quit;
static atomic_int ev_pending_frees;

static void *ev_main(void *arg)
{
	(void)arg;
	while (!atomic_load(&ev_quit) || atomic_load(&ev_pending_frees) > 0)
		virEventRunDefaultImpl();
	return NULL;
}

static void ev_wake_cb(int timer, void *opaque)
{
	(void)opaque;
	virEventRemoveTimeout(timer);
}

int vm_console_events_start(bench_error *err)
{
	int rc = 0;

	pthread_mutex_lock(&ev_lock);
	if (!ev_registered) {
		if (virEventRegisterDefaultImpl() < 0)
			rc = bench_fail(err, 0, "libvirt's event loop: %s", virGetLastErrorMessage());
		else
			ev_registered = true;
	}
	if (rc == 0 && ev_users == 0) {
		int e;

		atomic_store(&ev_quit, false);
		e = pthread_create(&ev_thread, NULL, ev_main, NULL);
		if (e != 0)
			rc = bench_fail(err, e, "a thread for libvirt's event loop");
	}
	if (rc == 0)
		ev_users++;
	pthread_mutex_unlock(&ev_lock);
	return rc;
}

void vm_console_events_stop(void)
{
	pthread_mutex_lock(&ev_lock);
	if (ev_users > 0 && --ev_users == 0) {
		/* A timer added wakes the loop's poll; the loop then sees quit. */
		atomic_store(&ev_quit, true);
		if (virEventAddTimeout(0, ev_wake_cb, NULL, NULL) < 0) {
			/* Cannot wake it: it ends at its next event. */
			pthread_detach(ev_thread);
		} else {
			pthread_join(ev_thread, NULL);
		}
	}
	pthread_mutex_unlock(&ev_lock);
}

/* --- the bridge --------------------------------------------------------- */

static void cs_free(struct vm_console_stream *cs)
{
	if (cs->fd >= 0)
		close(cs->fd);
	if (cs->st)
		virStreamFree(cs->st);
	pthread_mutex_destroy(&cs->lock);
	free(cs);
}

static void cs_free_timer(int timer, void *opaque)
{
	virEventRemoveTimeout(timer);
	cs_free(opaque);
	atomic_fetch_sub(&ev_pending_frees, 1);
}

/* What the stream and the fd should wake us for, from what is pending. */
static void cs_update(struct vm_console_stream *cs)
{
	int st_ev = 0, fd_ev = 0;

	if (cs->closing)
		return;
	if (!cs->ended && cs->out_len < OUT_MAX)
		st_ev |= VIR_STREAM_EVENT_READABLE;
	if (!cs->ended && cs->in_len > 0)
		st_ev |= VIR_STREAM_EVENT_WRITABLE;
	if (cs->out_len > 0)
		fd_ev |= VIR_EVENT_HANDLE_WRITABLE;
	if (cs->in_len < IN_MAX)
		fd_ev |= VIR_EVENT_HANDLE_READABLE;
	if (cs->st_cb)
		virStreamEventUpdateCallback(cs->st, st_ev);
	if (cs->watch >= 0)
		virEventUpdateHandle(cs->watch, fd_ev);
}

/* Stops both event callbacks: the socket's and the stream's. */
static void cs_unwatch(struct vm_console_stream *cs)
{
	if (cs->watch >= 0) {
		virEventRemoveHandle(cs->watch);
		cs->watch = -1;
	}
	if (cs->st_cb) {
		virStreamEventRemoveCallback(cs->st);
		cs->st_cb = false;
	}
}

/* Once the stream has ended and its last bytes are written, the reader
 * gets EOF: our end is closed (its unread bytes stay readable). */
static void cs_maybe_finish(struct vm_console_stream *cs)
{
	if (!cs->ended || cs->out_len > 0 || cs->fd < 0)
		return;
	cs_unwatch(cs);
	shutdown(cs->fd, SHUT_RDWR);
}

static void flush_out(struct vm_console_stream *cs)
{
	while (cs->out_len > 0 && cs->fd >= 0) {
		ssize_t n = send(cs->fd, cs->out, cs->out_len, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n < 0) { /* the reader went: nothing more to relay */
			cs->out_len = 0;
			cs->ended = true;
			return;
		}
		memmove(cs->out, cs->out + n, cs->out_len - (size_t)n);
		cs->out_len -= (size_t)n;
	}
}

static void pump_stream(struct vm_console_stream *cs)
{
	while (!cs->ended && cs->out_len < OUT_MAX) {
		int n = virStreamRecv(cs->st, cs->out + cs->out_len, OUT_MAX - cs->out_len);

		if (n == -2)
			return;
		if (n <= 0) { /* 0: the console ended; -1: the stream failed */
			cs->ended = true;
			if (n < 0)
				virStreamAbort(cs->st);
			else
				virStreamFinish(cs->st);
			return;
		}
		cs->out_len += (size_t)n;
	}
}

static void send_in(struct vm_console_stream *cs)
{
	while (!cs->ended && cs->in_len > 0) {
		int n = virStreamSend(cs->st, cs->in, cs->in_len);

		if (n == -2)
			return;
		if (n < 0) {
			cs->ended = true;
			virStreamAbort(cs->st);
			return;
		}
		memmove(cs->in, cs->in + n, cs->in_len - (size_t)n);
		cs->in_len -= (size_t)n;
	}
	if (cs->ended)
		cs->in_len = 0;
}

static void on_stream(virStreamPtr st, int events, void *opaque)
{
	struct vm_console_stream *cs = opaque;

	(void)st;
	pthread_mutex_lock(&cs->lock);
	if (!cs->closing) {
		if (events & VIR_STREAM_EVENT_READABLE)
			pump_stream(cs);
		if (events & VIR_STREAM_EVENT_WRITABLE)
			send_in(cs);
		if (events & (VIR_STREAM_EVENT_ERROR | VIR_STREAM_EVENT_HANGUP)) {
			pump_stream(cs); /* what came before the end */
			if (!cs->ended) {
				cs->ended = true;
				virStreamAbort(cs->st);
			}
		}
		flush_out(cs);
		cs_update(cs);
		cs_maybe_finish(cs);
	}
	pthread_mutex_unlock(&cs->lock);
}

static void on_fd(int watch, int fd, int events, void *opaque)
{
	struct vm_console_stream *cs = opaque;

	(void)watch;
	pthread_mutex_lock(&cs->lock);
	if (!cs->closing && cs->fd == fd) {
		if (events & VIR_EVENT_HANDLE_WRITABLE)
			flush_out(cs);
		if ((events & VIR_EVENT_HANDLE_READABLE) && cs->in_len < IN_MAX) {
			ssize_t n = recv(fd, cs->in + cs->in_len, IN_MAX - cs->in_len, MSG_DONTWAIT);

			if (n > 0) {
				cs->in_len += (size_t)n;
				send_in(cs);
			} else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
				/* The reader closed its end. */
				cs->ended = true;
				cs->out_len = 0;
				virStreamAbort(cs->st);
			}
		}
		if ((events & (VIR_EVENT_HANDLE_HANGUP | VIR_EVENT_HANDLE_ERROR)) && !cs->ended) {
			cs->ended = true;
			cs->out_len = 0;
			virStreamAbort(cs->st);
		}
		cs_update(cs);
		cs_maybe_finish(cs);
	}
	pthread_mutex_unlock(&cs->lock);
}

struct vm_console_stream *vm_console_stream_open(virConnectPtr conn, virDomainPtr dom, int *fd, bench_error *err)
{
	struct vm_console_stream *cs = calloc(1, sizeof(*cs));
	int pair[2];
	const char *why = NULL;

	*fd = -1;
	if (!cs) {
		bench_fail(err, ENOMEM, "console stream");
		return NULL;
	}
	pthread_mutex_init(&cs->lock, NULL);
	cs->fd = cs->user_fd = cs->watch = -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, pair) < 0) {
		bench_fail(err, errno, "console stream: socketpair");
		cs_free(cs);
		return NULL;
	}
	cs->user_fd = pair[0];
	cs->fd = pair[1];
	cs->st = virStreamNew(conn, VIR_STREAM_NONBLOCK);
	if (!cs->st)
		why = "virStreamNew";
	else if (virDomainOpenConsole(dom, NULL, cs->st, 0) < 0)
		why = "virDomainOpenConsole";
	if (why) {
		bench_fail(err, 0, "console stream: %s: %s", why, virGetLastErrorMessage());
		close(cs->user_fd);
		cs_free(cs); /* no callback was ever registered */
		return NULL;
	}
	pthread_mutex_lock(&cs->lock);
	if (virStreamEventAddCallback(cs->st, VIR_STREAM_EVENT_READABLE | VIR_STREAM_EVENT_ERROR |
						      VIR_STREAM_EVENT_HANGUP,
				      on_stream, cs, NULL) < 0) {
		why = "virStreamEventAddCallback";
	} else {
		cs->st_cb = true;
		cs->watch = virEventAddHandle(cs->fd, VIR_EVENT_HANDLE_READABLE, on_fd, cs, NULL);
		if (cs->watch < 0)
			why = "virEventAddHandle (is libvirt's event loop registered?)";
	}
	pthread_mutex_unlock(&cs->lock);
	if (why) {
		bench_fail(err, 0, "console stream: %s: %s", why, virGetLastErrorMessage());
		vm_console_stream_close(cs);
		return NULL;
	}
	*fd = cs->user_fd;
	return cs;
}

void vm_console_stream_close(struct vm_console_stream *cs)
{
	if (!cs)
		return;
	pthread_mutex_lock(&cs->lock);
	cs->closing = true;
	cs_unwatch(cs);
	if (!cs->ended) {
		cs->ended = true;
		virStreamAbort(cs->st);
	}
	if (cs->user_fd >= 0) {
		close(cs->user_fd);
		cs->user_fd = -1;
	}
	pthread_mutex_unlock(&cs->lock);
	atomic_fetch_add(&ev_pending_frees, 1);
	if (virEventAddTimeout(0, cs_free_timer, cs, NULL) < 0) {
		/* No timer: leaked rather than freed under a callback. */
		atomic_fetch_sub(&ev_pending_frees, 1);
	}
}
