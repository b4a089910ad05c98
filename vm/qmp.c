#include "qmp.h"

#include <errno.h>
#include <stdbool.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../lib/clock.h"
#include "../lib/interrupt.h"

void qmp_init(struct qmp *q)
{
	q->fd = -1;
	q->buf = NULL;
	q->len = 0;
}

void qmp_close(struct qmp *q)
{
	if (q->fd >= 0)
		close(q->fd);
	free(q->buf);
	qmp_init(q);
}

/* A string field of QEMU's, bounded for a message. */
static const char *short_string(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "(none)";
}

int qmp_parse_line(const char *line, size_t len, enum qmp_kind *kind, json_t **value, bench_error *err)
{
	json_error_t je;
	json_t *o, *v;

	*value = NULL;
	if (len > QMP_LINE_MAX)
		return bench_fail(err, 0, "QMP: a line of %zu bytes (at most %d)", len, QMP_LINE_MAX);
	/* JSON_DISALLOW_NULL is not wanted ("return": {} is common); a
	 * duplicated key would let two readers disagree: refused. */
	o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je);
	if (!o)
		return bench_fail(err, 0, "QMP: not JSON (%.80s)", je.text);
	if (!json_is_object(o)) {
		json_decref(o);
		return bench_fail(err, 0, "QMP: a message that is not a JSON object");
	}
	if ((v = json_object_get(o, "return")) != NULL) {
		*kind = QMP_RETURN;
		*value = json_incref(v);
	} else if ((v = json_object_get(o, "error")) != NULL) {
		*kind = QMP_ERROR;
		bench_fail(err, 0, "QMP error %.40s: %.200s", short_string(v, "class"), short_string(v, "desc"));
		json_decref(o);
		return -1;
	} else if ((v = json_object_get(o, "event")) != NULL) {
		if (!json_is_string(v)) {
			json_decref(o);
			return bench_fail(err, 0, "QMP: an event whose name is not a string");
		}
		*kind = QMP_EVENT;
		*value = json_incref(v);
	} else if (json_is_object(json_object_get(o, "QMP"))) {
		*kind = QMP_GREETING;
	} else {
		json_decref(o);
		return bench_fail(err, 0, "QMP: a message that is neither a return, an error, an event nor a greeting");
	}
	json_decref(o);
	return 0;
}

int qmp_vcpu_threads(const json_t *ret, int *tids, unsigned max, bench_error *err)
{
	size_t i, n = json_array_size(ret);
	const json_t *cpu;

	if (!json_is_array(ret) || n == 0 || n > max)
		return bench_fail(err, 0, "QMP query-cpus-fast: %zu vCPUs, want 1..%u", n, max);
	for (i = 0; i < n; i++)
		tids[i] = 0;
	json_array_foreach(ret, i, cpu) {
		json_t *idx = json_object_get(cpu, "cpu-index"), *tid = json_object_get(cpu, "thread-id");
		json_int_t x, t;

		if (!json_is_integer(idx) || !json_is_integer(tid))
			return bench_fail(err, 0, "QMP query-cpus-fast: a vCPU without cpu-index or thread-id");
		x = json_integer_value(idx);
		t = json_integer_value(tid);
		if (x < 0 || (size_t)x >= n || t <= 0 || t > 0x3fffffff || tids[x] != 0)
			return bench_fail(err, 0, "QMP query-cpus-fast: vCPU %lld with thread %lld is out of range or twice",
					  (long long)x, (long long)t);
		tids[x] = (int)t;
	}
	return (int)n;
}

int qmp_connect(struct qmp *q, const char *path, bench_error *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return bench_fail(err, ENAMETOOLONG, "QMP socket %s", path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return bench_fail(err, errno, "QMP: socket");
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		int e = errno;

		close(fd);
		if (e == ENOENT || e == ECONNREFUSED)
			return 1;
		return bench_fail(err, e, "QMP: connecting to %s", path);
	}
	if (!q->buf && !(q->buf = malloc(QMP_LINE_MAX + 1))) {
		close(fd);
		return bench_fail(err, ENOMEM, "QMP");
	}
	q->fd = fd;
	q->len = 0;
	return 0;
}

/* The next message, parsed. */
static int next_message(struct qmp *q, uint64_t deadline_ns, enum qmp_kind *kind, json_t **value, bench_error *err)
{
	for (;;) {
		char *nl = q->len ? memchr(q->buf, '\n', q->len) : NULL;
		struct pollfd p = { .fd = q->fd, .events = POLLIN };
		ssize_t n;
		int r;

		if (nl) {
			size_t line = (size_t)(nl - q->buf);

			r = qmp_parse_line(q->buf, line, kind, value, err);
			memmove(q->buf, nl + 1, q->len - line - 1);
			q->len -= line + 1;
			return r;
		}
		if (q->len >= QMP_LINE_MAX)
			return bench_fail(err, 0, "QMP: a line longer than %d bytes", QMP_LINE_MAX);
		if (q->fd < 0)
			return bench_fail(err, 0, "QMP: not connected");
		r = interrupt_poll(&p, 1, deadline_ns, err);
		if (r < 0)
			return -1;
		if (r == 0) {
			if (clock_now_ns() < deadline_ns)
				continue;
			return bench_fail(err, 0, "QMP: no answer from QEMU in time");
		}
		n = read(q->fd, q->buf + q->len, QMP_LINE_MAX - q->len);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return bench_fail(err, errno, "QMP: reading");
		if (n == 0)
			return bench_fail(err, 0, "QMP: QEMU closed its monitor (it exited?)");
		q->len += (size_t)n;
	}
}

static int send_all(struct qmp *q, const char *s, size_t len, uint64_t deadline_ns, bench_error *err)
{
	while (len > 0) {
		ssize_t n = send(q->fd, s, len, MSG_NOSIGNAL);
		struct pollfd p = { .fd = q->fd, .events = POLLOUT };

		if (n > 0) {
			s += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return bench_fail(err, errno, "QMP: sending");
		if (interrupt_poll(&p, 1, deadline_ns, err) < 0)
			return -1;
		if (clock_now_ns() >= deadline_ns)
			return bench_fail(err, 0, "QMP: QEMU takes no command in time");
	}
	return 0;
}

int qmp_execute(struct qmp *q, const char *command, json_t *args, json_t **ret, uint64_t deadline_ns,
		bench_error *err)
{
	json_t *msg = json_object();
	char *text;
	int r;

	if (ret)
		*ret = NULL;
	if (!msg)
		return bench_fail(err, ENOMEM, "QMP");
	json_object_set_new(msg, "execute", json_string(command));
	if (args)
		json_object_set(msg, "arguments", args);
	text = json_dumps(msg, JSON_COMPACT);
	json_decref(msg);
	if (!text)
		return bench_fail(err, ENOMEM, "QMP");
	r = send_all(q, text, strlen(text), deadline_ns, err);
	if (r == 0)
		r = send_all(q, "\n", 1, deadline_ns, err);
	free(text);
	if (r < 0)
		return bench_error_prefix(err, "%s", command);
	for (;;) {
		enum qmp_kind kind = QMP_ERROR;
		json_t *value = NULL;

		if (next_message(q, deadline_ns, &kind, &value, err) < 0)
			return bench_error_prefix(err, "%s", command);
		if (kind == QMP_RETURN) {
			if (ret)
				*ret = value;
			else
				json_decref(value);
			return 0;
		}
		json_decref(value); /* an event on the way */
		if (kind == QMP_GREETING)
			return bench_fail(err, 0, "%s: QMP: a second greeting", command);
	}
}

int qmp_handshake(struct qmp *q, uint64_t deadline_ns, bench_error *err)
{
	enum qmp_kind kind = QMP_ERROR;
	json_t *value = NULL;

	if (next_message(q, deadline_ns, &kind, &value, err) < 0)
		return bench_error_prefix(err, "QMP greeting");
	json_decref(value);
	if (kind != QMP_GREETING)
		return bench_fail(err, 0, "QMP: QEMU did not begin with its greeting");
	return qmp_execute(q, "qmp_capabilities", NULL, NULL, deadline_ns, err);
}

int qmp_wait_event(struct qmp *q, const char *name, uint64_t deadline_ns, bench_error *err)
{
	for (;;) {
		enum qmp_kind kind = QMP_ERROR;
		json_t *value = NULL;
		bool match;

		if (next_message(q, deadline_ns, &kind, &value, err) < 0)
			return bench_error_prefix(err, "waiting for %s", name);
		match = kind == QMP_EVENT && strcmp(json_string_value(value), name) == 0;
		json_decref(value);
		if (match)
			return 0;
	}
}
