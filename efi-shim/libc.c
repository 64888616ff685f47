/* libc.c: the string functions a freestanding build still needs.
 *
 * GCC may emit calls to memcpy, memset, memmove and memcmp for struct
 * copies and loops even with -ffreestanding (GCC manual, "Standards"), and
 * the plan/ library may call them. gnu-efi's libefi already defines memcpy
 * and memset (lib/init.c); defining them again would clash, so only the
 * rest live here. Byte loops: correctness over speed, the hot copies go
 * through the firmware's CopyMem.
 */
#include <stddef.h>

void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || n == 0)
		return dst;
	if (d < s) {
		for (size_t i = 0; i < n; i++)
			d[i] = s[i];
	} else {
		for (size_t i = n; i > 0; i--)
			d[i - 1] = s[i - 1];
	}
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}
