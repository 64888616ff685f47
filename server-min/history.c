/* history.c: the per-client boot history (server-min/history.h).
 *
 * Records are allocated as MACs appear, each with its event ring, and
 * never freed before history_free: at the bound the least recently seen
 * record is reused, so a flood of forged MACs costs at most the bound and
 * evicts only the quietest clients. Lookup is a chained hash on the MAC.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>

#include "embed/resolve.h"
#include "server-min/clients.h"
#include "server-min/history.h"
#include "server-min/log.h"
#include "server-min/netbootd.h"

const double hist_bucket_s[HIST_BUCKETS] = { 5, 10, 20, 30, 60, 120, 300, 600 };

struct history {
	unsigned max_clients, max_events, n;
	unsigned n_buckets;                  /* a power of two */
	struct hist_client **bucket;         /* by MAC */
	struct hist_client **ibucket;        /* by IP */
	struct hist_client *newest, *oldest;
	struct hist_metrics m;
	/* The worker loops share one history (main.c): the netbootd hooks
	 * below and status.c's render take it, once per event or page,
	 * never per packet. The pure functions above leave it to them. */
	pthread_mutex_t lock;
};

static const char *const stage_names[HS_N + 1] = {
	[HS_OFFER] = "offer", [HS_NBP] = "nbp", [HS_SCRIPT] = "script",
	[HS_KERNEL] = "kernel", [HS_INITRAMFS] = "initramfs",
	[HS_MODLOOP] = "modloop", [HS_APKOVL] = "apkovl",
	[HS_USERSPACE] = "userspace", [HS_OTHER] = "other",
};

static const char *const proto_names[HP_N] = {
	[HP_NONE] = "-", [HP_DHCP] = "dhcp", [HP_TFTP] = "tftp", [HP_HTTP] = "http",
};

const char *history_stage_name(unsigned stage)
{
	return stage <= HS_N ? stage_names[stage] : "?";
}

const char *history_proto_name(unsigned proto)
{
	return proto < HP_N ? proto_names[proto] : "?";
}

int history_new(unsigned max_clients, unsigned max_events, struct history **ret)
{
	struct history *h;
	unsigned nb = 64;

	if (max_clients == 0 || max_events == 0)
		return -EINVAL;
	while (nb < max_clients && nb < (1u << 20))
		nb <<= 1;
	h = calloc(1, sizeof(*h));
	if (h == NULL)
		return -ENOMEM;
	h->bucket = calloc(nb, sizeof(*h->bucket));
	h->ibucket = calloc(nb, sizeof(*h->ibucket));
	if (h->bucket == NULL || h->ibucket == NULL) {
		free(h->bucket);
		free(h->ibucket);
		free(h);
		return -ENOMEM;
	}
	pthread_mutex_init(&h->lock, NULL);
	h->n_buckets = nb;
	h->max_clients = max_clients;
	h->max_events = max_events;
	*ret = h;
	return 0;
}

void history_free(struct history *h)
{
	struct hist_client *c, *next;

	if (h == NULL)
		return;
	for (c = h->newest; c; c = next) {
		next = c->older;
		free(c->ev);
		free(c);
	}
	free(h->bucket);
	free(h->ibucket);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

void history_lock(const struct history *h)
{
	pthread_mutex_lock(&((struct history *)h)->lock);
}

void history_unlock(const struct history *h)
{
	pthread_mutex_unlock(&((struct history *)h)->lock);
}

static unsigned mac_hash(const struct history *h, const uint8_t mac[6])
{
	uint32_t x = 2166136261u;   /* FNV-1a */

	for (int i = 0; i < 6; i++)
		x = (x ^ mac[i]) * 16777619u;
	return x & (h->n_buckets - 1);
}

static unsigned ip_hash(const struct history *h, struct in_addr ip)
{
	return (uint32_t)(ntohl(ip.s_addr) * 2654435761u) & (h->n_buckets - 1);
}

static void ip_unlink(struct history *h, struct hist_client *c)
{
	struct hist_client **pp;

	if (c->ip.s_addr == INADDR_ANY)
		return;
	pp = &h->ibucket[ip_hash(h, c->ip)];
	while (*pp && *pp != c)
		pp = &(*pp)->inext;
	if (*pp)
		*pp = c->inext;
	c->inext = NULL;
}

void history_bind_ip(struct history *h, struct hist_client *c, struct in_addr ip, uint64_t now_ms)
{
	unsigned b;

	if (ip.s_addr == INADDR_ANY)
		return;
	c->ip_ms = now_ms;
	if (c->ip.s_addr == ip.s_addr)
		return;
	ip_unlink(h, c);
	c->ip = ip;
	b = ip_hash(h, ip);
	c->inext = h->ibucket[b];
	h->ibucket[b] = c;
}

const struct hist_client *history_by_ip(const struct history *h, struct in_addr ip)
{
	const struct hist_client *best = NULL;

	/* An address moves between clients (leases end): the newest claim. */
	for (const struct hist_client *c = h->ibucket[ip_hash(h, ip)]; c; c = c->inext)
		if (c->ip.s_addr == ip.s_addr && (best == NULL || c->ip_ms > best->ip_ms))
			best = c;
	return best;
}

static void list_unlink(struct history *h, struct hist_client *c)
{
	if (c->newer)
		c->newer->older = c->older;
	else
		h->newest = c->older;
	if (c->older)
		c->older->newer = c->newer;
	else
		h->oldest = c->newer;
	c->newer = c->older = NULL;
}

static void list_push(struct history *h, struct hist_client *c)
{
	c->older = h->newest;
	c->newer = NULL;
	if (h->newest)
		h->newest->newer = c;
	else
		h->oldest = c;
	h->newest = c;
}

static void hash_unlink(struct history *h, struct hist_client *c)
{
	struct hist_client **pp = &h->bucket[mac_hash(h, c->mac)];

	while (*pp && *pp != c)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = c->hnext;
	c->hnext = NULL;
}

const struct hist_client *history_find(const struct history *h, const uint8_t mac[6])
{
	const struct hist_client *c = h->bucket[mac_hash(h, mac)];

	while (c && memcmp(c->mac, mac, 6) != 0)
		c = c->hnext;
	return c;
}

/* A fresh record, or the oldest one emptied for reuse at the bound. */
static struct hist_client *client_take(struct history *h)
{
	struct hist_client *c;
	struct hist_event *ev;

	if (h->n >= h->max_clients) {
		c = h->oldest;
		list_unlink(h, c);
		hash_unlink(h, c);
		ip_unlink(h, c);
		ev = c->ev;
		h->m.evicted++;
	} else {
		c = malloc(sizeof(*c));
		ev = calloc(h->max_events, sizeof(*ev));
		if (c == NULL || ev == NULL) {
			free(c);
			free(ev);
			return NULL;
		}
		h->n++;
	}
	memset(c, 0, sizeof(*c));
	c->ev = ev;
	return c;
}

struct hist_client *history_client(struct history *h, const uint8_t mac[6], uint64_t now_ms)
{
	struct hist_client *c = (struct hist_client *)history_find(h, mac);
	unsigned b;

	if (c) {
		list_unlink(h, c);
		list_push(h, c);
		return c;
	}
	c = client_take(h);
	if (c == NULL)
		return NULL;
	memcpy(c->mac, mac, 6);
	c->arch = -1;
	c->power_on_ms = c->seen_ms = now_ms;
	c->failed_stage = HS_N;
	b = mac_hash(h, mac);
	c->hnext = h->bucket[b];
	h->bucket[b] = c;
	list_push(h, c);
	return c;
}

static void observe(struct hist_histogram *hg, uint64_t ms)
{
	double s = (double)ms / 1000.0;
	unsigned i = 0;

	while (i < HIST_BUCKETS && s > hist_bucket_s[i])
		i++;
	if (i < HIST_BUCKETS)
		hg->bucket[i]++;
	hg->count++;
	hg->sum_s += s;
}

/* The first time this boot reaches stage: its time, the counter, and the
 * duration histograms for the two milestones. */
static void reach(struct history *h, struct hist_client *c, unsigned stage, uint64_t t)
{
	if (c->reached & (1u << stage))
		return;
	c->reached |= 1u << stage;
	c->stage_ms[stage] = t;
	if (stage > c->last_stage || c->reached == (1u << stage))
		c->last_stage = (uint8_t)stage;
	h->m.stage_total[stage]++;
	if (stage == HS_KERNEL)
		observe(&h->m.to_kernel, t - c->power_on_ms);
	else if (stage == HS_USERSPACE)
		observe(&h->m.to_userspace, t - c->power_on_ms);
}

void history_add(struct history *h, struct hist_client *c, const struct hist_event *ev)
{
	c->ev[c->ev_next] = *ev;
	c->ev_next = (c->ev_next + 1) % h->max_events;
	if (c->n_ev < h->max_events)
		c->n_ev++;
	c->seen_ms = ev->t_ms;
	if (ev->failed) {
		h->m.failed_total[ev->stage <= HS_N ? ev->stage : HS_N]++;
		/* A file that is no stage (an extra, a typo) stays an event:
		 * it must not hide the failure that stopped the boot. */
		if (ev->stage >= HS_N)
			return;
		c->failed_stage = ev->stage;
		snprintf(c->failure, sizeof(c->failure), "%s", ev->what);
		return;
	}
	if (ev->stage >= HS_N)
		return;
	reach(h, c, ev->stage, ev->t_ms);
	if (ev->stage == HS_MODLOOP || ev->stage == HS_APKOVL)
		reach(h, c, HS_USERSPACE, ev->t_ms);
}

/* A new boot: the stage times start again; the events stay (the ring
 * shows the end of the last boot beside the start of this one). */
static void new_boot(struct hist_client *c, uint64_t now_ms)
{
	c->boots++;
	c->power_on_ms = now_ms;
	c->reached = 0;
	memset(c->stage_ms, 0, sizeof(c->stage_ms));
	c->last_stage = HS_OFFER;
	c->failed_stage = HS_N;
	c->failure[0] = '\0';
}

void history_offer(struct history *h, struct hist_client *c, int arch, const char *file,
		   uint64_t now_ms)
{
	struct hist_event ev = { .t_ms = now_ms, .stage = HS_OFFER, .proto = HP_DHCP };

	/* iPXE asks again after its NBP ran (user-class "iPXE"): that is the
	 * same boot. An offer after the kernel, or a first one, starts one. */
	if (c->boots == 0 || (c->reached & ~((1u << HS_OFFER) | (1u << HS_NBP) |
					    (1u << HS_SCRIPT))) != 0)
		new_boot(c, now_ms);
	c->arch = arch;
	snprintf(c->nbp, sizeof(c->nbp), "%s", file);
	snprintf(ev.what, sizeof(ev.what), "arch %d file %s", arch, file);
	/* A PXE exchange is an offer and an ACK, often retried: the same
	 * offer again is not news and must not push real events out. */
	if (c->n_ev > 0) {
		const struct hist_event *last = &c->ev[(c->ev_next + h->max_events - 1) % h->max_events];

		if (last->stage == HS_OFFER && strcmp(last->what, ev.what) == 0) {
			c->seen_ms = now_ms;
			return;
		}
	}
	history_add(h, c, &ev);
}

static int has_suffix(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a >= b && strcmp(s + a - b, suf) == 0;
}

/* path equal to tmpl, where tmpl's "{MAC}" or "{UUID}" (Alpine expands
 * them, in the apkovl URL) stand for any run of characters. */
static int path_matches(const char *tmpl, const char *path)
{
	const char *open = strchr(tmpl, '{'), *close;
	size_t pre, post, n = strlen(path);

	if (open == NULL)
		return strcmp(tmpl, path) == 0;
	close = strchr(open, '}');
	if (close == NULL)
		return 0;
	pre = (size_t)(open - tmpl);
	post = strlen(close + 1);
	return n >= pre + post && strncmp(path, tmpl, pre) == 0 &&
	       strcmp(path + n - post, close + 1) == 0;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

enum hist_stage history_classify(const struct hist_client *c, const char *path)
{
	static const enum hist_stage of_file[HF_N] = {
		[HF_KERNEL] = HS_KERNEL, [HF_INITRAMFS] = HS_INITRAMFS,
		[HF_MODLOOP] = HS_MODLOOP, [HF_APKOVL] = HS_APKOVL,
	};
	/* When no plan is known (a request before any render, a client
	 * booted by another script): the names of Alpine's netboot files. */
	static const struct { const char *prefix, *suffix; enum hist_stage stage; } names[] = {
		{ "vmlinuz", NULL, HS_KERNEL },
		{ "initramfs", NULL, HS_INITRAMFS },
		{ "modloop", NULL, HS_MODLOOP },
		{ NULL, ".apkovl.tar.gz", HS_APKOVL },
		{ "boot.ipxe", NULL, HS_SCRIPT },
		{ "boot.plan", NULL, HS_SCRIPT },
		{ NULL, ".efi", HS_NBP },
		{ NULL, ".kpxe", HS_NBP },
		{ NULL, ".pxe", HS_NBP },
	};
	const char *base;

	while (*path == '/')
		path++;
	for (unsigned i = 0; c && i < HF_N; i++)
		if (c->file[i][0] && path_matches(c->file[i], path))
			return of_file[i];
	if (c && c->nbp[0] && strcmp(base_name(c->nbp), base_name(path)) == 0)
		return HS_NBP;
	base = base_name(path);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (names[i].prefix && strncmp(base, names[i].prefix, strlen(names[i].prefix)) == 0)
			return names[i].stage;
		if (names[i].suffix && has_suffix(base, names[i].suffix))
			return names[i].stage;
	}
	return HS_OTHER;
}

const struct hist_client *history_first(const struct history *h)
{
	return h->newest;
}

const struct hist_client *history_next(const struct hist_client *c)
{
	return c->older;
}

const struct hist_event *history_event(const struct history *h, const struct hist_client *c,
				       unsigned i)
{
	unsigned first = c->n_ev < h->max_events ? 0 : c->ev_next;

	return &c->ev[(first + i) % h->max_events];
}

unsigned history_count(const struct history *h) { return h->n; }
unsigned history_max_clients(const struct history *h) { return h->max_clients; }
unsigned history_max_events(const struct history *h) { return h->max_events; }
const struct hist_metrics *history_metrics(const struct history *h) { return &h->m; }

/* --- netbootd's hooks ---------------------------------------------------- */

int history_start(struct netbootd *nb)
{
	const struct nb_server_conf *sc = nb_config_server(nb->config);
	struct timespec ts;
	int r;

	r = history_new(sc->history_clients ? sc->history_clients : HIST_DEFAULT_CLIENTS,
			sc->history_events ? sc->history_events : HIST_DEFAULT_EVENTS,
			&nb->history);
	if (r < 0) {
		log_error("main", "-", "boot history: %s", strerror(-r));
		return r;
	}
	nb->start_ms = ev_now_ms(nb->loop);
	clock_gettime(CLOCK_REALTIME, &ts);
	nb->start_wall_ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	return 0;
}

void history_note_offer(struct netbootd *nb, const uint8_t mac[6], struct in_addr ip,
			int arch, const char *file)
{
	struct hist_client *c;

	if (nb->history == NULL)
		return;
	history_lock(nb->history);
	c = history_client(nb->history, mac, ev_now_ms(nb->loop));
	if (c != NULL) {
		history_bind_ip(nb->history, c, ip, ev_now_ms(nb->loop));
		history_offer(nb->history, c, arch, file, ev_now_ms(nb->loop));
	}
	history_unlock(nb->history);
}

/* A URL of the plan as a server-relative path: what a request for it
 * names. "" when it is on another server. */
static void plan_path(char *out, size_t cap, const char *url, const char *base)
{
	size_t n = strlen(base);

	out[0] = '\0';
	if (strncmp(url, base, n) == 0 && url[n] == '/')
		snprintf(out, cap, "%s", url + n + 1);
}

/* "modloop=URL" in a command line: the URL's path when it is ours. */
static void cmdline_path(char *out, size_t cap, const char *cmdline, const char *key,
			 const char *base)
{
	size_t kn = strlen(key);
	char url[NB_URL_MAX];

	out[0] = '\0';
	for (const char *s = cmdline; *s; ) {
		size_t w = strcspn(s, " ");

		if (w > kn && strncmp(s, key, kn) == 0 && w - kn < sizeof(url)) {
			memcpy(url, s + kn, w - kn);
			url[w - kn] = '\0';
			plan_path(out, cap, url, base);
			return;
		}
		s += w;
		s += strspn(s, " ");
	}
}

static void remember_plan(struct netbootd *nb, struct hist_client *c, const struct nb_client *cl)
{
	const struct nb_client_conf *cc = nb_config_match(nb->config, cl);
	const char *profile = cc ? nb_client_profile_name(nb->config, cc) : NULL;
	struct nb_plan *plan = malloc(sizeof(*plan));
	const struct nb_entry *e;

	snprintf(c->profile, sizeof(c->profile), "%s", profile ? profile : "default");
	/* 45 KiB, once per rendered script: not on the stack. A plan that
	 * does not resolve leaves the names to classify by. */
	if (plan == NULL || nb_resolve(nb->config, cl, nb->http_base, plan) < 0 ||
	    plan->n_entry == 0 || plan->entry[0].action != NB_ACT_BOOT)
		goto out;
	e = &plan->entry[0];
	plan_path(c->file[HF_KERNEL], HIST_PATH_MAX, e->kernel.url, nb->http_base);
	if (e->n_initrd > 0)
		plan_path(c->file[HF_INITRAMFS], HIST_PATH_MAX, e->initrd[0].url, nb->http_base);
	cmdline_path(c->file[HF_MODLOOP], HIST_PATH_MAX, e->cmdline, "modloop=", nb->http_base);
	cmdline_path(c->file[HF_APKOVL], HIST_PATH_MAX, e->cmdline, "apkovl=", nb->http_base);
out:
	free(plan);
}

void history_note_render(struct netbootd *nb, const struct nb_client *cl, const char *doc,
			 const struct sockaddr_in *peer)
{
	struct hist_event ev = { .stage = HS_SCRIPT, .proto = HP_HTTP };
	struct hist_client *c;

	if (nb->history == NULL || !cl->has_mac)
		return;
	ev.t_ms = ev_now_ms(nb->loop);
	history_lock(nb->history);
	c = history_client(nb->history, cl->mac, ev.t_ms);
	if (c == NULL)
		goto out;
	/* The script is asked for by the client itself, with its MAC in
	 * the query: the one binding of address to MAC that holds behind a
	 * DHCP relay or NAT, where the neighbour table shows the router. */
	if (peer)
		history_bind_ip(nb->history, c, peer->sin_addr, ev.t_ms);
	remember_plan(nb, c, cl);
	snprintf(ev.what, sizeof(ev.what), "%s profile %s", doc, c->profile);
	history_add(nb->history, c, &ev);
out:
	history_unlock(nb->history);
}

/* How long an address stays bound to the client whose request last came
 * from it: a boot's requests refresh it; a site DHCP server hands a leased
 * address to another machine only after hours. */
#define HIST_BIND_FRESH_MS (10 * 60 * 1000)

/* The MAC a transfer from ip is for. First the client this address was
 * bound to by its own requests (its script names its MAC; a hash lookup,
 * where the neighbour table costs a read of /proc per transfer). Then
 * the neighbour table, else DHCP, if that MAC is a client we know: behind
 * a relay or NAT it names the router, which never booted from us. Then
 * an old binding. -ENOENT: a host we cannot follow (counted). */
static int transfer_mac(struct netbootd *nb, struct in_addr ip, uint8_t ret_mac[6])
{
	const struct hist_client *bound = history_by_ip(nb->history, ip);
	uint64_t now = ev_now_ms(nb->loop);
	uint8_t mac[6];

	if (bound && now - bound->ip_ms < HIST_BIND_FRESH_MS) {
		memcpy(ret_mac, bound->mac, 6);
		return 0;
	}
	if (clients_mac_of(nb->clients, ip, mac) == 0 &&
	    (history_find(nb->history, mac) || clients_by_mac(nb->clients, mac))) {
		memcpy(ret_mac, mac, 6);
		return 0;
	}
	if (bound == NULL)
		return -ENOENT;
	memcpy(ret_mac, bound->mac, 6);
	return 0;
}

static void note_transfer(struct netbootd *nb, enum hist_proto proto,
			  const struct sockaddr_in *peer, const char *path,
			  uint64_t bytes, double seconds, const char *why)
{
	struct hist_metrics *m;
	struct hist_event ev = { .proto = (uint8_t)proto, .bytes = bytes };
	struct hist_client *c;
	char clean[HIST_PATH_MAX];
	uint8_t mac[6];

	if (nb->history == NULL)
		return;
	m = &nb->history->m;
	m->transfers[proto]++;
	m->bytes[proto] += bytes;
	if (why)
		m->transfer_failed[proto]++;
	if (transfer_mac(nb, peer->sin_addr, mac) < 0) {
		m->unknown_peer++;
		return;
	}
	/* server-relative, as the plan and the file check name it */
	snprintf(clean, sizeof(clean), "%s", path + strspn(path, "/"));
	clean[strcspn(clean, "?")] = '\0';
	ev.stage = (uint8_t)history_classify(history_find(nb->history, mac), clean);
	/* The script's success is its render; another file served in full
	 * is no stage of a boot. A failure of another file is kept only for
	 * a client already booting: no record for every stray download. */
	if (!why && (ev.stage == HS_SCRIPT || ev.stage == HS_OTHER))
		return;
	if (ev.stage == HS_OTHER && history_find(nb->history, mac) == NULL)
		return;
	ev.t_ms = ev_now_ms(nb->loop);
	ev.ms = seconds > 0 ? (uint32_t)(seconds * 1000.0) : 0;
	c = history_client(nb->history, mac, ev.t_ms);
	if (c == NULL)
		return;
	history_bind_ip(nb->history, c, peer->sin_addr, ev.t_ms);
	if (why)
		snprintf(ev.what, sizeof(ev.what), "%.70s: %.50s", clean, why);
	else
		snprintf(ev.what, sizeof(ev.what), "%.120s", clean);
	ev.failed = why != NULL;
	history_add(nb->history, c, &ev);
}

/* Under the lock, which also covers transfer_mac's read of the neighbour
 * table: once per transfer. */
void history_note_transfer(struct netbootd *nb, enum hist_proto proto,
			   const struct sockaddr_in *peer, const char *path,
			   uint64_t bytes, double seconds, const char *why)
{
	if (nb->history == NULL)
		return;
	history_lock(nb->history);
	note_transfer(nb, proto, peer, path, bytes, seconds, why);
	history_unlock(nb->history);
}
