/* emu/exec_child.c - EMU: small helpers of the nfemu command's subcommands: JSON strings on a
 * stream, and running a real iptables program against a state file, from inside the
 * nfemu command (replay --rules, test's `rules` and diff's rulesets load with
 * iptables-legacy-restore into a temporary state; --rules-text reads the tables back with
 * iptables-legacy-save).  No kernel counterpart: the program runs as `nfemu exec --state
 * STATE -- PROG` in a child, under the shim, as a user would run it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "kernel/kernel.h"
#include "emu/cli.h"

int nfemu_exec_capture(const char *state, const char *prog, int in_fd, bool merge_stderr,
		       size_t out_max, struct exec_capture *res, char *err, size_t errlen)
{
	size_t cap = out_max < 16384 ? out_max + 1 : 16384;
	char *buf = malloc(cap);
	int pipefd[2];
	pid_t pid;

	memset(res, 0, sizeof(*res));
	if (!buf || pipe2(pipefd, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "%s", buf ? strerror(errno) : "out of memory");
		free(buf);
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(pipefd[0]);
		close(pipefd[1]);
		free(buf);
		return -1;
	}
	if (pid == 0) {
		int in = in_fd >= 0 ? in_fd : open("/dev/null", O_RDONLY);

		if (in < 0 || dup2(in, 0) < 0 || dup2(pipefd[1], 1) < 0 ||
		    (merge_stderr && dup2(pipefd[1], 2) < 0))
			_exit(126);
		execl("/proc/self/exe", "nfemu", "exec", "--state", state, "--", prog, (char *)NULL);
		dprintf(2, "nfemu: cannot run nfemu exec: %s\n", strerror(errno));
		_exit(127);
	}
	close(pipefd[1]);
	for (;;) {
		char sink[4096];
		ssize_t n;

		if (res->len + 1 >= cap && cap <= out_max) {
			size_t ncap = cap * 2 > out_max + 1 ? out_max + 1 : cap * 2;
			char *v = realloc(buf, ncap);

			if (v) {
				buf = v;
				cap = ncap;
			} else {
				out_max = res->len;     /* keep what fits; drain the rest */
			}
		}
		if (res->len < out_max && res->len + 1 < cap)
			n = read(pipefd[0], buf + res->len, cap - res->len - 1);
		else
			n = read(pipefd[0], sink, sizeof(sink));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (res->len < out_max && res->len + 1 < cap)
			res->len += (size_t)n;
		else
			res->cut = true;
	}
	close(pipefd[0]);
	while (waitpid(pid, &res->status, 0) < 0 && errno == EINTR)
		;
	buf[res->len] = '\0';
	res->out = buf;
	return 0;
}

bool exec_capture_ok(const struct exec_capture *res)
{
	return WIFEXITED(res->status) && WEXITSTATUS(res->status) == 0;
}

const char *exec_capture_how(const struct exec_capture *res, char *buf, size_t len)
{
	snprintf(buf, len, "%s %d", WIFEXITED(res->status) ? "exit status" : "signal",
		 WIFEXITED(res->status) ? WEXITSTATUS(res->status) : WTERMSIG(res->status));
	return buf;
}

/* The most iptables-legacy-restore output kept for the error message. */
#define RULES_TEMP_OUTPUT_MAX 16384

static int rules_temp_restore(const struct nfemu_rules_temp *t, const char *rules, const char *cmd,
			      const char *label, bool say_how)
{
	struct exec_capture res;
	char err[256], how[48];
	int in = open(rules, O_RDONLY | O_CLOEXEC);

	if (in < 0) {
		fprintf(stderr, "%s: %s\n", label, strerror(errno));
		return -1;
	}
	if (nfemu_exec_capture(t->state, "iptables-legacy-restore", in, true, RULES_TEMP_OUTPUT_MAX,
			       &res, err, sizeof(err))) {
		fprintf(stderr, "nfemu: %s: %s\n", cmd, err);
		close(in);
		return -1;
	}
	close(in);
	if (exec_capture_ok(&res)) {
		free(res.out);
		return 0;
	}
	how[0] = '\0';
	if (say_how) {
		char h[32];

		snprintf(how, sizeof(how), " (%s)", exec_capture_how(&res, h, sizeof(h)));
	}
	fprintf(stderr, "%s: iptables-legacy-restore failed%s%s\n%s%s", label, how, res.len ? ":" : "",
		res.out, res.len && res.out[res.len - 1] != '\n' ? "\n" : "");
	free(res.out);
	return -1;
}

int nfemu_rules_temp_load(struct nfemu_rules_temp *t, const char *rules, const char *cmd,
			  const char *label, bool say_how)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(t->dir, sizeof(t->dir), "%s/nfemu-%s.XXXXXX", tmp && tmp[0] ? tmp : "/tmp", cmd);
	if (!mkdtemp(t->dir)) {
		fprintf(stderr, "nfemu: %s: %s: %s\n", cmd, t->dir, strerror(errno));
		t->dir[0] = '\0';
		return -1;
	}
	snprintf(t->state, sizeof(t->state), "%s/state", t->dir);
	if (rules_temp_restore(t, rules, cmd, label, say_how)) {
		nfemu_rules_temp_remove(t);
		return -1;
	}
	return 0;
}

void nfemu_rules_temp_remove(struct nfemu_rules_temp *t)
{
	static const char *const files[] = { "state", "state.lock", "state.xtables.lock" };
	char path[PATH_MAX + 32];

	if (!t->dir[0])
		return;
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), "%s/%s", t->dir, files[i]);
		unlink(path);
	}
	rmdir(t->dir);
	t->dir[0] = '\0';
}

void cli_json_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}
