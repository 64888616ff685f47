/* config_load_test.c: what a reload reports. Two configs parsed from files
 * by config_load; config_log_changes names each profile and client section
 * added, removed or changed (not moved), config_keep_restart_only keeps the
 * running value of keys bound at start; a broken file gives FILE:LINE. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server-min/config_load.h"
#include "server-min/log.h"

static char path[] = "/tmp/config_load_test.XXXXXX";

static struct nb_config *load(const char *text)
{
	struct nb_config *cfg = NULL;
	char err[NB_ERR_MAX];
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(config_load(path, &cfg, err), 0);
	return cfg;
}

/* Everything the log wrote since the last call. */
static char *logged(int rd)
{
	static char buf[16384];
	ssize_t n = read(rd, buf, sizeof(buf) - 1);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static const char old_text[] =
	"[server]\nhttp-port = 80\ntftp-per-ip = 4\n\n"
	"[profile default]\ntitle = One\n\n"
	"[profile same]\ntitle = Same\n\n"
	"[profile gone]\ntitle = Gone\n\n"
	"[client 52:54:00:00:00:01]\ncmdline = a=1\n\n"
	"[client 52:54:00:00:00:02]\ncmdline = b=1\n\n"
	"[client 52:54:00:aa:*]\nprofile = same\n";

static const char new_text[] =
	"# a comment moves every section down a line: not a change\n"
	"[server]\nhttp-port = 8080\ntftp-per-ip = 8\n\n"
	"[profile default]\ntitle = Two\n\n"
	"[profile same]\ntitle = Same\n\n"
	"[profile new]\ntitle = New\n\n"
	"[client 52:54:00:00:00:01]\ncmdline = a=1\n\n"
	"[client 52:54:00:00:00:02]\ncmdline = b=2\n\n"
	"[client uuid=12345678-1234-1234-1234-123456789abc]\nprofile = new\n";

static void test_changes(void **state)
{
	struct nb_config *old, *cfg;
	int p[2];
	char *out;

	(void)state;
	assert_int_equal(pipe(p), 0);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	log_set_fd(p[1]);
	old = load(old_text);
	cfg = load(new_text);

	assert_int_equal(config_keep_restart_only(old, cfg), 1);
	assert_int_equal(nb_config_server(cfg)->http_port, 80);   /* the running value */
	out = logged(p[0]);
	assert_non_null(strstr(out, "warn main - reload: [server] http-port changed: needs a restart"));

	assert_int_equal(config_log_changes(old, cfg), 7);
	out = logged(p[0]);
	assert_non_null(strstr(out, "info main - reload: [server] tftp-per-ip changed\n"));
	assert_non_null(strstr(out, "reload: profile default changed\n"));
	assert_non_null(strstr(out, "reload: profile new added\n"));
	assert_non_null(strstr(out, "reload: profile gone removed\n"));
	assert_non_null(strstr(out, "reload: client 52:54:00:00:00:02 changed\n"));
	assert_non_null(strstr(out, "reload: client uuid=12345678-1234-1234-1234-123456789abc added\n"));
	assert_non_null(strstr(out, "reload: client 52:54:00:aa:* removed\n"));
	assert_null(strstr(out, "profile same"));
	assert_null(strstr(out, "52:54:00:00:00:01"));

	/* The same file again: nothing to report. */
	assert_int_equal(config_log_changes(cfg, cfg), 0);
	nb_config_free(old);
	nb_config_free(cfg);
	log_set_fd(2);
	close(p[0]);
	close(p[1]);
}

static void test_errors(void **state)
{
	struct nb_config *cfg = (struct nb_config *)&cfg;   /* must stay untouched */
	char err[NB_ERR_MAX], want[sizeof(path) + 16];
	FILE *f = fopen(path, "w");

	(void)state;
	assert_non_null(f);
	fputs("[profile default]\ntitle = x\nflavor = bogus\n", f);
	fclose(f);
	assert_true(config_load(path, &cfg, err) < 0);
	snprintf(want, sizeof(want), "%s:3: ", path);
	assert_memory_equal(err, want, strlen(want));
	assert_ptr_equal(cfg, (struct nb_config *)&cfg);
	unlink(path);
	assert_true(config_load(path, &cfg, err) < 0);
	snprintf(want, sizeof(want), "%s: cannot read: ", path);
	assert_memory_equal(err, want, strlen(want));
	/* No path: the defaults. */
	assert_int_equal(config_load(NULL, &cfg, err), 0);
	assert_int_equal(cfg->n_client, 0);
	nb_config_free(cfg);
}

/* [server] keys: embed/ keeps them as written, config_server_apply()
 * gives them netbootd's meaning, section by section, in file order. */
static const struct {
	int line;
	const char *text, *want;   /* want: the error, or NULL */
} server_cases[] = {
	{ __LINE__, "", NULL },
	{ __LINE__, "[server]\nlisten = 1.2.3.4\n[server]\nlisten = 1.2.3.5\n", NULL },
	{ __LINE__, "[server]\nlisten = 1.2.3.4\nlisten = 1.2.3.5\n",
	  "t.conf:3: duplicate key: 'listen'" },
	{ __LINE__, "[server]\nworkerz = 2\n",
	  "t.conf:2: unknown key in [server]: 'workerz'" },
	{ __LINE__, "[profile a]\n[server]\nhttp-idle = 0\n",
	  "t.conf:3: http-idle: seconds, 1 to 3600: '0'" },
	{ __LINE__, "[server]\nlisten = 010.0.0.1\n",
	  "t.conf:2: listen: a dotted-quad IPv4 address: '010.0.0.1'" },
};

static void test_server_keys(void **state)
{
	static struct nb_config cfg;
	struct nb_server_conf before;
	char err[NB_ERR_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(server_cases) / sizeof(server_cases[0]); i++) {
		const char *text = server_cases[i].text, *want = server_cases[i].want;
		int r;

		assert_int_equal(nb_config_parse(&cfg, "t.conf", text, strlen(text), err), 0);
		memset(&cfg.server, 0x5a, sizeof(cfg.server));
		before = cfg.server;
		r = config_server_apply(&cfg, err);
		if (want == NULL && r != 0)
			fail_msg("row %d: %s", server_cases[i].line, err);
		if (want != NULL && (r != -EINVAL || strcmp(err, want) != 0))
			fail_msg("row %d: got %d '%s', want '%s'", server_cases[i].line,
				 r, err, want);
		if (want != NULL && memcmp(&before, &cfg.server, sizeof(before)) != 0)
			fail_msg("row %d: cfg->server changed on error", server_cases[i].line);
	}
	/* The last good row's values, and the defaults beside them. */
	assert_int_equal(nb_config_parse(&cfg, "t.conf", server_cases[1].text,
					 strlen(server_cases[1].text), err), 0);
	assert_int_equal(config_server_apply(&cfg, err), 0);
	assert_string_equal(nb_config_server(&cfg)->listen, "1.2.3.5");
	assert_string_equal(nb_config_server(&cfg)->boot_bios, "undionly.kpxe");
	assert_int_equal(nb_config_server(&cfg)->dhcp, -1);
	nb_config_release(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_changes),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_server_keys),
	};
	int fd = mkstemp(path), r;

	if (fd < 0)
		return 1;
	close(fd);
	r = cmocka_run_group_tests(tests, NULL, NULL);
	unlink(path);
	return r;
}
