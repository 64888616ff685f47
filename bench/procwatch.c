/* procwatch.c: what a set of server processes cost while a benchmark runs.
 *
 *   procwatch [--interval-ms MS] [--out FILE] PID...
 *
 * Watches the given processes and all their descendants (nginx workers,
 * the child tftp-hpa forks per transfer) from start until SIGTERM or
 * SIGINT, or until every one of them is gone, then writes one line:
 *
 *   procwatch: cpu_s=1.234 peak_rss_kb=5678 hwm_sum_kb=6000 start_rss_kb=900
 *              peak_pss_kb=4000 procs_max=3 cpu_src=perf
 *
 * cpu_s        CPU seconds the tree spent while watched: a task-clock
 *              perf counter (perf_event_open, PERF_COUNT_SW_TASK_CLOCK)
 *              on every thread of the tree at start, with inherit set, so
 *              every process forked later counts too once it exits. That
 *              matters: tftp-hpa forks a child per transfer and lets the
 *              kernel reap it (its utime never reaches the parent's
 *              cutime), so /proc/PID/stat alone would miss nearly all of
 *              tftp-hpa's work. Children still running at the end (nginx
 *              workers) have counters of their own from the start. When
 *              perf_event_open is refused, /proc/PID/stat utime + stime +
 *              cutime + cstime, end minus start, and cpu_src=proc.
 * peak_rss_kb  the larger of: the largest sum of VmRSS over the tree seen
 *              in one sample (every MS milliseconds, default 100), which
 *              catches short-lived children; and hwm_sum_kb, which catches
 *              a peak between two samples. For one process: its VmHWM.
 * hwm_sum_kb   the sum of VmHWM (each process's own peak) over the
 *              processes alive at the end; for one process, its exact peak.
 * start_rss_kb the sum of VmRSS at the first sample (idle, when started
 *              before the load).
 * peak_pss_kb  the largest sum of Pss (/proc/PID/smaps_rollup) in one
 *              sample: RSS with each shared page divided among the
 *              processes sharing it. Summed RSS counts the libc and the
 *              binary of every forked tftp-hpa child again; PSS does not,
 *              so it is the fairer "memory of the whole stack".
 *
 * Linux only (/proc). Reads nothing but /proc; sends no signals.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <sys/syscall.h>

#define MAX_PROCS 8192
#define MAX_COUNTERS 1024

struct proc_sample {
	int pid, ppid;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Fields of /proc/PID/stat after the command name, which may hold spaces
 * and parentheses: parse from the last ')'. ppid is field 4, utime..cstime
 * fields 14..17 (proc(5)). 0 or -errno. */
static int read_stat(int pid, int *ret_ppid, unsigned long long *ret_ticks)
{
	char path[64], buf[1024], *p;
	unsigned long long ut, st, cut, cst;
	int ppid;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p)
		return -EBADMSG;
	/* ") S ppid pgrp session tty tpgid flags minflt cminflt majflt
	 *  cmajflt utime stime cutime cstime" */
	if (sscanf(p + 1, " %*c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %llu %llu",
		   &ppid, &ut, &st, &cut, &cst) != 5)
		return -EBADMSG;
	*ret_ppid = ppid;
	*ret_ticks = ut + st + cut + cst;
	return 0;
}

/* A "Key: N kB" line of /proc/PID/FILE (status: VmRSS, VmHWM;
 * smaps_rollup: Pss); 0 when gone. */
static unsigned long long read_kb(int pid, const char *file, const char *key)
{
	char path[64], line[256];
	size_t klen = strlen(key);
	unsigned long long v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			v = strtoull(line + klen + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

/* Every process on the system with its parent. Returns the count. */
static size_t list_procs(struct proc_sample *out, size_t cap)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	size_t n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)) && n < cap) {
		unsigned long long ticks;
		int pid, ppid;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = atoi(de->d_name);
		if (read_stat(pid, &ppid, &ticks) == 0) {
			out[n].pid = pid;
			out[n].ppid = ppid;
			n++;
		}
	}
	closedir(d);
	return n;
}

/* The roots and their descendants, into tree[]. Returns the count. */
static size_t find_tree(const int *roots, size_t nroots, int *tree, size_t cap)
{
	static struct proc_sample all[MAX_PROCS];
	size_t nall = list_procs(all, MAX_PROCS), n = 0, i, j;

	for (i = 0; i < nroots && n < cap; i++) {
		for (j = 0; j < nall; j++) {
			if (all[j].pid == roots[i]) {
				tree[n++] = roots[i];
				break;
			}
		}
	}
	/* Breadth first: tree[] grows while we walk it. */
	for (i = 0; i < n; i++)
		for (j = 0; j < nall && n < cap; j++)
			if (all[j].ppid == tree[i])
				tree[n++] = all[j].pid;
	return n;
}

static unsigned long long tree_ticks(const int *tree, size_t n)
{
	unsigned long long sum = 0, t;
	size_t i;
	int ppid;

	for (i = 0; i < n; i++)
		if (read_stat(tree[i], &ppid, &t) == 0)
			sum += t;
	return sum;
}

/* One inherited task-clock counter per thread of the tree. Returns the
 * number opened; 0 when the kernel refuses (then /proc is used). */
static size_t open_counters(const int *tree, size_t n, int *fds, size_t cap)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.size = sizeof(attr),
		.config = PERF_COUNT_SW_TASK_CLOCK,
		.inherit = 1,
	};
	size_t nfds = 0, i;

	for (i = 0; i < n; i++) {
		char path[64];
		struct dirent *de;
		DIR *d;

		snprintf(path, sizeof(path), "/proc/%d/task", tree[i]);
		d = opendir(path);
		if (!d)
			continue;
		while ((de = readdir(d)) && nfds < cap) {
			long fd;

			if (!isdigit((unsigned char)de->d_name[0]))
				continue;
			fd = syscall(SYS_perf_event_open, &attr, atoi(de->d_name),
				     -1, -1, PERF_FLAG_FD_CLOEXEC);
			if (fd < 0) {
				closedir(d);
				while (nfds > 0)
					close(fds[--nfds]);
				return 0;
			}
			fds[nfds++] = (int)fd;
		}
		closedir(d);
	}
	return nfds;
}

/* Nanoseconds over all counters. */
static unsigned long long read_counters(const int *fds, size_t n)
{
	unsigned long long sum = 0, v;
	size_t i;

	for (i = 0; i < n; i++)
		if (read(fds[i], &v, sizeof(v)) == (ssize_t)sizeof(v))
			sum += v;
	return sum;
}

static void usage(void)
{
	fprintf(stderr, "usage: procwatch [--interval-ms MS] [--out FILE] PID...\n");
}

/* The command line: PIDs to watch, how often, where to write. */
struct pw_args {
	int roots[64];
	size_t nroots;
	unsigned long interval_ms;
	const char *out;
};

/* 0, or -EINVAL after a usage line. */
static int parse_args(int argc, char **argv, struct pw_args *a)
{
	for (int i = 1; i < argc; i++) {
		char *end;

		if (!strcmp(argv[i], "--interval-ms") && i + 1 < argc) {
			a->interval_ms = strtoul(argv[++i], &end, 10);
			if (*end || a->interval_ms < 10 || a->interval_ms > 10000)
				goto bad;
		} else if (!strcmp(argv[i], "--out") && i + 1 < argc) {
			a->out = argv[++i];
		} else {
			long pid = strtol(argv[i], &end, 10);

			if (*end || pid <= 0 || a->nroots == sizeof(a->roots) / sizeof(*a->roots))
				goto bad;
			a->roots[a->nroots++] = (int)pid;
		}
	}
	if (a->nroots)
		return 0;
bad:
	usage();
	return -EINVAL;
}

/* What the samples found. */
struct pw_peaks {
	unsigned long long rss, start_rss, pss, hwm;
	size_t procs_max;
	int sampled;
};

static unsigned long long tree_hwm(const int *tree, size_t n)
{
	unsigned long long hwm = 0;

	for (size_t i = 0; i < n; i++)
		hwm += read_kb(tree[i], "status", "VmHWM");
	return hwm;
}

/* One sample of the tree's summed RSS and PSS into the peaks. */
static void sample(const int *tree, size_t n, struct pw_peaks *p)
{
	unsigned long long rss = 0, pss = 0;

	for (size_t i = 0; i < n; i++) {
		rss += read_kb(tree[i], "status", "VmRSS");
		pss += read_kb(tree[i], "smaps_rollup", "Pss");
	}
	if (!p->sampled)
		p->start_rss = rss, p->sampled = 1;
	if (rss > p->rss)
		p->rss = rss;
	if (pss > p->pss)
		p->pss = pss;
	if (n > p->procs_max)
		p->procs_max = n;
}

static int report(const char *out, double cpu_s, const struct pw_peaks *p, int perf)
{
	FILE *f = out ? fopen(out, "w") : stdout;

	if (!f) {
		perror(out);
		return 1;
	}
	fprintf(f, "procwatch: cpu_s=%.3f peak_rss_kb=%llu hwm_sum_kb=%llu "
		"start_rss_kb=%llu peak_pss_kb=%llu procs_max=%zu cpu_src=%s\n",
		cpu_s, p->rss, p->hwm, p->start_rss, p->pss, p->procs_max,
		perf ? "perf" : "proc");
	if (f != stdout)
		fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	static int tree[MAX_PROCS], counters[MAX_COUNTERS];
	struct pw_args a = { .interval_ms = 100 };
	struct pw_peaks p = { 0 };
	size_t ncounters, n;
	double cpu_s;
	unsigned long long ticks0, ticks1;
	long hz = sysconf(_SC_CLK_TCK);
	struct sigaction sa = { .sa_handler = on_signal };

	if (parse_args(argc, argv, &a) < 0 || hz <= 0)
		return 2;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	n = find_tree(a.roots, a.nroots, tree, MAX_PROCS);
	ncounters = open_counters(tree, n, counters, MAX_COUNTERS);
	ticks0 = tree_ticks(tree, n);
	ticks1 = ticks0;
	while (!stop && n > 0) {
		struct timespec ts = {
			.tv_sec = (time_t)(a.interval_ms / 1000),
			.tv_nsec = (long)(a.interval_ms % 1000) * 1000000L,
		};

		sample(tree, n, &p);
		/* Remember the last full reading: after the roots exit there is
		 * nothing left to read. */
		ticks1 = tree_ticks(tree, n);
		p.hwm = tree_hwm(tree, n);
		nanosleep(&ts, NULL);
		n = find_tree(a.roots, a.nroots, tree, MAX_PROCS);
	}
	if (n > 0) {
		ticks1 = tree_ticks(tree, n);
		p.hwm = tree_hwm(tree, n);
	}
	/* Between samples a process may peak unseen; its VmHWM has it. */
	if (p.hwm > p.rss)
		p.rss = p.hwm;

	if (ncounters)
		cpu_s = (double)read_counters(counters, ncounters) / 1e9;
	else
		cpu_s = ticks1 >= ticks0 ? (double)(ticks1 - ticks0) / (double)hz : 0.0;
	return report(a.out, cpu_s, &p, ncounters > 0);
}
