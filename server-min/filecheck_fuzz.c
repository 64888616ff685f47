/* filecheck_fuzz.c: libFuzzer target for the release readers of
 * filecheck.c, which read files an admin copied from elsewhere (a kernel,
 * an initramfs) and config text (repository URLs).
 *
 * The same bytes go to the kernel reader (the bzImage setup header, then
 * the banner search), the cpio walk and, as a NUL-terminated string, the
 * repository URL parser. Whatever they return must hold up: a release is
 * what uname -r could print (a digit first, no space), a branch is one of
 * the three forms, and every result fits the buffer it was given.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server-min/filecheck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_release(const char *s, size_t cap)
{
	size_t n = strnlen(s, cap);

	if (n == 0 || n >= cap || s[0] < '0' || s[0] > '9' || strchr(s, ' '))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char rel[64], line[32], branch[24], *url;
	int r;

	r = filecheck_kernel_release(data, size, rel, sizeof(rel));
	if (r == 0)
		check_release(rel, sizeof(rel));
	else if (r != -ENOENT && r != -E2BIG)
		abort();
	r = filecheck_cpio_release(data, size, line, sizeof(line));
	if (r == 0 && (line[0] == '\0' || strnlen(line, sizeof(line)) >= sizeof(line) ||
		       strchr(line, '\n')))
		abort();
	url = malloc(size + 1);
	if (url == NULL)
		return 0;
	memcpy(url, data, size);
	url[size] = '\0';
	if (filecheck_repo_branch(url, branch, sizeof(branch)) == 0 &&
	    strcmp(branch, "edge") != 0 && strcmp(branch, "latest-stable") != 0 &&
	    (branch[0] != 'v' || branch[1] < '0' || branch[1] > '9' || !strchr(branch, '.')))
		abort();
	free(url);
	return 0;
}
