/* clients_test.c: the MAC <-> IP table: lookups both ways, a client that
 * moves to another address, eviction of the least recently seen, and the
 * "answered recently" window. The neighbour table is not consulted for the
 * test addresses: 198.18.255.x is never on this host's wire. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "plan/test_util.h"

#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "server-min/clients.h"

static struct in_addr ip4(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static const uint8_t mac_a[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x0a };
static const uint8_t mac_b[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x0b };

static void both_ways(void **state)
{
	struct clients *c;
	uint8_t mac[6];
	const struct client_seen *s;

	(void)state;
	assert_int_equal(clients_new(8, &c), 0);
	clients_note_dhcp(c, mac_a, ip4("198.18.255.10"), "00112233-4455-6677-8899-aabbccddeeff", 7, 1, 1000);
	assert_int_equal(clients_mac_of(c, ip4("198.18.255.10"), mac), 0);
	assert_memory_equal(mac, mac_a, 6);
	assert_int_equal(clients_mac_of(c, ip4("198.18.255.11"), mac), -2);
	s = clients_by_mac(c, mac_a);
	assert_non_null(s);
	assert_int_equal(s->arch, 7);
	assert_string_equal(s->uuid, "00112233-4455-6677-8899-aabbccddeeff");
	/* A later request without IP, UUID or arch keeps what was learned. */
	clients_note_dhcp(c, mac_a, (struct in_addr){ 0 }, NULL, -1, 0, 2000);
	s = clients_by_mac(c, mac_a);
	assert_int_equal(s->arch, 7);
	assert_int_equal(s->ip.s_addr, ip4("198.18.255.10").s_addr);
	assert_int_equal(s->answered_ms, 1000);
	assert_int_equal(s->seen_ms, 2000);
	clients_free(c);
}

static void moves_and_reuse(void **state)
{
	struct clients *c;
	uint8_t mac[6];

	(void)state;
	assert_int_equal(clients_new(8, &c), 0);
	clients_note_dhcp(c, mac_a, ip4("198.18.255.10"), NULL, 0, 1, 1000);
	clients_note_dhcp(c, mac_a, ip4("198.18.255.20"), NULL, 0, 1, 2000);
	assert_int_equal(clients_mac_of(c, ip4("198.18.255.10"), mac), -2);
	assert_int_equal(clients_mac_of(c, ip4("198.18.255.20"), mac), 0);
	/* Another machine takes the freed address: the newest record wins. */
	clients_note_dhcp(c, mac_b, ip4("198.18.255.20"), NULL, 0, 1, 3000);
	assert_int_equal(clients_mac_of(c, ip4("198.18.255.20"), mac), 0);
	assert_memory_equal(mac, mac_b, 6);
	clients_free(c);
}

static void evicts_least_recent(void **state)
{
	struct clients *c;
	uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0 };
	char ip[32];

	(void)state;
	assert_int_equal(clients_new(4, &c), 0);
	for (unsigned i = 0; i < 4; i++) {
		mac[5] = (uint8_t)i;
		snprintf(ip, sizeof(ip), "198.18.255.%u", 100 + i);
		clients_note_dhcp(c, mac, ip4(ip), NULL, 0, 1, 1000 + i);
	}
	mac[5] = 0;
	clients_note_dhcp(c, mac, (struct in_addr){ 0 }, NULL, -1, 0, 2000);  /* 0 is fresh again */
	mac[5] = 9;
	clients_note_dhcp(c, mac, ip4("198.18.255.109"), NULL, 0, 1, 2001);    /* evicts 1 */
	mac[5] = 1;
	assert_null(clients_by_mac(c, mac));
	assert_int_equal(clients_mac_of(c, ip4("198.18.255.101"), mac), -2);
	mac[5] = 0;
	assert_non_null(clients_by_mac(c, mac));
	assert_int_equal(clients_mac_of(c, ip4("198.18.255.109"), mac), 0);
	assert_int_equal(mac[5], 9);
	/* Thousands of made-up MACs never grow the table. */
	for (unsigned i = 0; i < 5000; i++) {
		mac[4] = (uint8_t)(i >> 8);
		mac[5] = (uint8_t)i;
		clients_note_dhcp(c, mac, ip4("198.18.255.200"), NULL, 0, 0, 3000 + i);
	}
	assert_int_equal(clients_mac_of(c, ip4("198.18.255.200"), mac), 0);
	clients_free(c);
}

static void answered_window(void **state)
{
	struct clients *c;

	(void)state;
	assert_int_equal(clients_new(8, &c), 0);
	clients_note_dhcp(c, mac_a, ip4("198.18.255.10"), NULL, 0, 1, 10000);
	clients_note_dhcp(c, mac_b, ip4("198.18.255.11"), NULL, 0, 0, 10000);
	assert_int_equal(clients_answered_recently(c, ip4("198.18.255.10"), 70000, 60000), 1);
	assert_int_equal(clients_answered_recently(c, ip4("198.18.255.10"), 70001, 60000), 0);
	assert_int_equal(clients_answered_recently(c, ip4("198.18.255.11"), 10001, 60000), 0);
	assert_int_equal(clients_answered_recently(c, ip4("198.18.255.12"), 10001, 60000), 0);
	clients_free(c);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(both_ways),
	cmocka_unit_test(moves_and_reuse),
	cmocka_unit_test(evicts_least_recent),
	cmocka_unit_test(answered_window),
};

TEST_MAIN(tests, NULL)
