/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd-graph.c - flowpol graph: a picture of the window's traffic, as
 * Graphviz DOT, Mermaid, or SVG drawn by Graphviz's dot.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd/cli.h"
#include "cmd/cmd.h"
#include "cmd/pipeline.h"
#include "lib/graph.h"
#include "lib/util-file.h"

extern char **environ;

static const char usage_text[] =
	"usage: flowpol graph [-d DB] [--since T] [--until T] [--namespace NS]...\n"
	"                     [--format dot|mermaid|svg] [--dropped] [-o FILE]\n"
	"\n"
	"Draw the workloads of the window and the traffic observed between them:\n"
	"one box per workload, grouped by namespace, with outside addresses, the\n"
	"node and unresolved endpoints around them; one arrow per pair, labelled\n"
	"with its protocols, ports and flows, and drawn thicker the more flows it\n"
	"carried.  Read-only: it can run while an ingest writes.\n"
	"\n"
	"  -d, --db DB          database file (default: flowpol.db)\n"
	"      --since T        start of the window (RFC 3339 or a duration like 7d)\n"
	"      --until T        end of the window (excluded)\n"
	"  -n, --namespace NS   only traffic with a side in NS (repeatable)\n"
	"      --format F       dot (default, Graphviz), mermaid (renders in GitHub\n"
	"                       and GitLab Markdown), or svg (runs Graphviz's dot,\n"
	"                       which must be installed)\n"
	"      --dropped        also draw connections the engine dropped, dashed\n"
	"  -o, --output FILE    write FILE (replaced whole, never half-written)\n"
	"                       instead of standard output\n"
	"  -h, --help           show this help\n"
	"\n"
	"Exit status: 0 ok, 2 usage error, 3 database error, or svg without dot.\n";

static const struct option opts[] = {
	{ "db", required_argument, NULL, 'd' },
	{ "dropped", no_argument, NULL, 'R' },
	{ "format", required_argument, NULL, 'T' },
	{ "namespace", required_argument, NULL, 'n' },
	{ "output", required_argument, NULL, 'o' },
	{ "since", required_argument, NULL, 'S' },
	{ "until", required_argument, NULL, 'U' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

enum format { FMT_DOT, FMT_MERMAID, FMT_SVG };

static void
cloexec(int fd)
{
	fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC);
}

/*
 * Feed @in to `dot -Tsvg` and collect what it prints.  No shell: the
 * program is found on PATH by posix_spawnp().  Both pipes are served by
 * one poll() loop, so neither side can block the other on a full pipe.
 */
static int
run_dot(struct fp_buf *svg, const struct fp_buf *in)
{
	char *argv[] = { (char *)"dot", (char *)"-Tsvg", NULL };
	posix_spawn_file_actions_t fa;
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_pipe;
	int to[2] = { -1, -1 }, from[2] = { -1, -1 }, st = 0, r;
	size_t off = 0;
	pid_t pid;

	if (pipe(to) < 0 || pipe(from) < 0) {
		fp_cli_msg("cannot run dot: %s", strerror(errno));
		goto fail;
	}
	cloexec(to[1]);
	cloexec(from[0]);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, to[0], 0);
	posix_spawn_file_actions_adddup2(&fa, from[1], 1);
	if (to[0] != 0)
		posix_spawn_file_actions_addclose(&fa, to[0]);
	if (from[1] != 1)
		posix_spawn_file_actions_addclose(&fa, from[1]);
	r = posix_spawnp(&pid, "dot", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(to[0]);
	close(from[1]);
	to[0] = from[1] = -1;
	if (r == ENOENT) {
		fp_cli_msg("--format svg needs Graphviz: 'dot' was not found in PATH "
			   "(install the graphviz package, or use --format dot or "
			   "mermaid)");
		goto fail;
	}
	if (r != 0) {
		fp_cli_msg("cannot run dot: %s", strerror(r));
		goto fail;
	}
	/* dot may exit early: a write must then fail, not kill flowpol */
	sigaction(SIGPIPE, &ign, &old_pipe);
	fcntl(to[1], F_SETFL, fcntl(to[1], F_GETFL) | O_NONBLOCK);
	while (from[0] >= 0) {
		struct pollfd p[2] = { { from[0], POLLIN, 0 }, { to[1], POLLOUT, 0 } };
		char chunk[65536];
		ssize_t n;

		if (poll(p, to[1] >= 0 ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (to[1] >= 0 && p[1].revents != 0) {
			n = write(to[1], in->data + off, in->len - off);
			if (n > 0)
				off += (size_t)n;
			if ((n < 0 && errno != EAGAIN && errno != EINTR) ||
			    off == in->len) {
				close(to[1]);
				to[1] = -1;
			}
		}
		if (p[0].revents != 0) {
			n = read(from[0], chunk, sizeof(chunk));
			if (n > 0 && fp_buf_add(svg, chunk, (size_t)n) < 0)
				n = -1;
			if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
				close(from[0]);
				from[0] = -1;
			}
		}
	}
	sigaction(SIGPIPE, &old_pipe, NULL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (to[1] >= 0)
		close(to[1]);
	if (from[0] >= 0)
		close(from[0]);
	/* Where the exec fails in the child (some libcs, valgrind), 127 is
	 * all that tells of it: the same missing program. */
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127) {
		fp_cli_msg("--format svg needs Graphviz: 'dot' was not found in PATH "
			   "(install the graphviz package, or use --format dot or "
			   "mermaid)");
		return FP_EIO;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 ||
	    strstr(fp_buf_str(svg), "<svg") == NULL) {
		fp_cli_msg("dot failed to draw the graph (%s %d)",
			   WIFEXITED(st) ? "exit status" : "signal",
			   WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
		return FP_EIO;
	}
	return 0;
fail:
	for (int i = 0; i < 2; i++) {
		if (to[i] >= 0)
			close(to[i]);
		if (from[i] >= 0)
			close(from[i]);
	}
	return FP_EIO;
}

/* -o FILE through a temporary file in FILE's directory, then renamed. */
static int
write_output(const char *path, const struct fp_buf *b)
{
	struct fp_err err = { 0 };
	const char *slash = strrchr(path, '/');
	char *dir = NULL;
	int r;

	if (slash == NULL) {
		r = fp_file_write_atomic(".", path, b->data, b->len, &err);
	} else if ((dir = strndup(path, (size_t)(slash - path))) == NULL) {
		return FP_ENOMEM;
	} else {
		r = fp_file_write_atomic(slash == path ? "/" : dir, slash + 1, b->data,
					 b->len, &err);
	}
	free(dir);
	if (r < 0)
		fp_cli_error(&err);
	return r;
}

int
cmd_graph(int argc, char **argv)
{
	struct fp_pipeline_opts po;
	const char *arg_db = FP_DEFAULT_DB, *arg_output = NULL;
	enum format fmt = FMT_DOT;
	struct fp_graph_opts go = { 0 };
	struct fp_edgeset *es = NULL;
	struct fp_db *db = NULL;
	struct fp_err err = { 0 };
	struct fp_buf text, svg;
	const struct fp_buf *result;
	int o, status = 0;

	fp_pipeline_init(&po);
	fp_buf_init(&text);
	fp_buf_init(&svg);
	while ((o = getopt_long(argc, argv, "d:hn:o:", opts, NULL)) != -1) {
		switch (o) {
		case 'd': arg_db = optarg; break;
		case 'o': arg_output = optarg; break;
		case 'R': go.dropped = true; break;
		case 'T':
			if (strcmp(optarg, "dot") == 0)
				fmt = FMT_DOT;
			else if (strcmp(optarg, "mermaid") == 0)
				fmt = FMT_MERMAID;
			else if (strcmp(optarg, "svg") == 0)
				fmt = FMT_SVG;
			else {
				status = fp_cli_usage(
					"graph",
					"--format: expected dot, mermaid or svg: '%s'",
					optarg);
				goto out;
			}
			break;
		case 'h':
			printf("%s", usage_text);
			fp_pipeline_done(&po);
			return FP_EXIT_OK;
		case 'n':
			status = fp_pipeline_generate_option(&po, "graph", o, optarg);
			if (status < 0)
				goto out;
			break;
		default:
			status = fp_pipeline_window_option(&po, "graph", o, optarg);
			if (status == 1)
				status = fp_cli_bad_option("graph");
			if (status < 0)
				goto out;
		}
	}
	if (optind < argc) {
		status = fp_cli_usage("graph", "unexpected operand: '%s'", argv[optind]);
		goto out;
	}
	go.namespaces = po.namespaces.v;
	go.n_namespaces = po.namespaces.n;
	status = fp_db_open(&db, arg_db, FP_DB_READONLY, &err);
	if (status == 0)
		status = fp_edge_compute(&es, db, &po.window, &err);
	if (status == 0)
		status = fp_graph_render(
			&text, es, fmt == FMT_MERMAID ? FP_GRAPH_MERMAID : FP_GRAPH_DOT,
			&go, &err);
	if (status == FP_EUSAGE) {
		fp_cli_msg("%s", err.text);
		goto out;
	}
	if (status < 0) {
		fp_cli_error(&err);
		goto out;
	}
	if (fmt == FMT_SVG && (status = run_dot(&svg, &text)) < 0)
		goto out;
	result = fmt == FMT_SVG ? &svg : &text;
	if (arg_output != NULL && strcmp(arg_output, "-") != 0)
		status = write_output(arg_output, result);
	else if (fwrite(result->data, 1, result->len, stdout) != result->len)
		status = FP_EIO;
out:
	fflush(stdout);
	fp_buf_done(&text);
	fp_buf_done(&svg);
	fp_edgeset_free(es);
	fp_db_close(db);
	fp_pipeline_done(&po);
	return fp_exit_code(status);
}
