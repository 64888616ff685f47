/* status.c: /status (HTML), /status.json and /metrics (server-min/status.h).
 *
 * Plain and fast: one pass over the history, no JavaScript, no external
 * asset, so the page works in a text browser on the admin's console. Every
 * string that came from a client or the config is escaped for where it
 * goes (HTML text and attributes, JSON strings, Prometheus label values).
 * Metric names follow the Prometheus conventions: netbootd_ prefix, base
 * units (seconds, bytes), _total on counters, cumulative histogram buckets
 * (https://prometheus.io/docs/practices/naming/,
 * https://prometheus.io/docs/instrumenting/exposition_formats/).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>

#include "server-min/content.h"
#include "server-min/filecheck.h"
#include "server-min/history.h"
#include "server-min/log.h"
#include "server-min/status.h"

static const struct { const char *path; enum status_doc doc; const char *type; } docs[] = {
	{ "/status", STATUS_HTML, "text/html; charset=utf-8" },
	{ "/status.json", STATUS_JSON, "application/json" },
	/* the text format's own type, version 0.0.4 */
	{ "/metrics", STATUS_METRICS, "text/plain; version=0.0.4; charset=utf-8" },
};

int status_doc_of(const char *path, enum status_doc *ret_doc)
{
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++)
		if (strcmp(path, docs[i].path) == 0) {
			*ret_doc = docs[i].doc;
			return 0;
		}
	return -ENOENT;
}

const char *status_content_type(enum status_doc doc)
{
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++)
		if (docs[i].doc == doc)
			return docs[i].type;
	return "text/plain";
}

/* --- escaping ------------------------------------------------------------ */

static void put_html(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default:
			fputc((unsigned char)*s < 0x20 ? '?' : *s, f);
		}
	}
}

/* A JSON string (RFC 8259 sec. 7), quotes included. Bytes over 0x7e are
 * written as \u00XX: the paths are ASCII already, and the document stays
 * valid UTF-8 whatever a config holds. */
static void put_json(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20 || ch > 0x7e)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

/* --- shared pieces ------------------------------------------------------- */

static void mac_str(const uint8_t m[6], char out[18])
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

/* A monotonic time as UTC wall-clock text (RFC 3339). */
static void wall_str(const struct status_view *v, uint64_t mono_ms, char out[32])
{
	uint64_t w = v->now_wall_ms - (v->now_ms - mono_ms);
	time_t t = (time_t)(w / 1000);
	struct tm tm;
	size_t n;

	gmtime_r(&t, &tm);
	n = strftime(out, 24, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, 32 - n, ".%03uZ", (unsigned)(w % 1000));
}

static double secs(uint64_t ms)
{
	return (double)ms / 1000.0;
}

/* --- /status.json -------------------------------------------------------- */

static void json_client(FILE *f, const struct status_view *v, const struct hist_client *c)
{
	char mac[18], ip[INET_ADDRSTRLEN], at[32];
	const char *sep = "";

	mac_str(c->mac, mac);
	inet_ntop(AF_INET, &c->ip, ip, sizeof(ip));
	wall_str(v, c->power_on_ms, at);
	fprintf(f, "{\"mac\":\"%s\",\"ip\":\"%s\",\"arch\":%d,\"profile\":", mac,
		c->ip.s_addr ? ip : "", c->arch);
	put_json(f, c->profile);
	fprintf(f, ",\"boots\":%u,\"power_on\":\"%s\",\"last_stage\":\"%s\",\"stages\":{",
		c->boots, at, history_stage_name(c->last_stage));
	for (unsigned s = 0; s < HS_N; s++) {
		if (!(c->reached & (1u << s)))
			continue;
		wall_str(v, c->stage_ms[s], at);
		fprintf(f, "%s\"%s\":{\"at\":\"%s\",\"after_s\":%.3f}", sep,
			history_stage_name(s), at, secs(c->stage_ms[s] - c->power_on_ms));
		sep = ",";
	}
	fputs("},\"failure\":", f);
	if (c->failed_stage < HS_N || c->failure[0]) {
		fprintf(f, "{\"stage\":\"%s\",\"why\":", history_stage_name(c->failed_stage));
		put_json(f, c->failure);
		fputc('}', f);
	} else {
		fputs("null", f);
	}
	fputs(",\"events\":[", f);
	for (unsigned i = 0; i < c->n_ev; i++) {
		const struct hist_event *e = history_event(v->history, c, i);

		wall_str(v, e->t_ms, at);
		fprintf(f, "%s{\"at\":\"%s\",\"stage\":\"%s\",\"proto\":\"%s\",\"failed\":%s,"
			"\"bytes\":%llu,\"seconds\":%.3f,\"what\":", i ? "," : "", at,
			history_stage_name(e->stage), history_proto_name(e->proto),
			e->failed ? "true" : "false", (unsigned long long)e->bytes, secs(e->ms));
		put_json(f, e->what);
		fputc('}', f);
	}
	fputs("]}", f);
}

static void json_files(FILE *f, const struct filecheck_report *r)
{
	if (r == NULL) {
		fputs("null", f);
		return;
	}
	fprintf(f, "{\"errors\":%u,\"warnings\":%u,\"items\":[", r->n_error, r->n_warn);
	for (unsigned i = 0; i < r->n_item; i++) {
		const struct filecheck_item *it = &r->item[i];

		fprintf(f, "%s{\"level\":\"%s\",\"file\":", i ? "," : "",
			filecheck_level_name(it->level));
		put_json(f, it->file);
		fputs(",\"what\":", f);
		put_json(f, it->what ? it->what : "");
		fputs(",\"msg\":", f);
		put_json(f, it->msg);
		fputc('}', f);
	}
	fputs("]}", f);
}

static void render_json(FILE *f, const struct status_view *v)
{
	const struct netbootd_stats *st = v->stats;
	char at[32];

	wall_str(v, v->start_ms, at);
	fprintf(f, "{\"version\":");
	put_json(f, v->version);
	fprintf(f, ",\"started\":\"%s\",\"uptime_s\":%.3f,\"config\":{", at,
		secs(v->now_ms - v->start_ms));
	for (unsigned i = 0; i < v->n_conf; i++) {
		fprintf(f, "%s\"%s\":", i ? "," : "", v->conf[i].key);
		put_json(f, v->conf[i].value);
	}
	fprintf(f, "},\"counters\":{\"dhcp_answered\":%llu,\"dhcp_ignored\":%llu,"
		"\"dhcp_malformed\":%llu,\"tftp_started\":%llu,\"tftp_done\":%llu,"
		"\"tftp_failed\":%llu,\"tftp_malformed\":%llu,\"http_requests\":%llu,"
		"\"http_malformed\":%llu,\"http_connections\":%llu},\"files\":",
		(unsigned long long)st->dhcp_answered, (unsigned long long)st->dhcp_ignored,
		(unsigned long long)st->dhcp_malformed, (unsigned long long)st->tftp_started,
		(unsigned long long)st->tftp_done, (unsigned long long)st->tftp_failed,
		(unsigned long long)st->tftp_malformed, (unsigned long long)st->http_requests,
		(unsigned long long)st->http_malformed, (unsigned long long)v->http.connections);
	json_files(f, v->files);
	fputs(",\"clients\":[", f);
	if (v->history)
		for (const struct hist_client *c = history_first(v->history); c;
		     c = history_next(c)) {
			json_client(f, v, c);
			if (history_next(c))
				fputc(',', f);
		}
	fputs("]}\n", f);
}

/* --- /status ------------------------------------------------------------- */

static const char html_head[] =
	"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	"<title>netbootd status</title><style>"
	"body{font-family:sans-serif;margin:1em}table{border-collapse:collapse;margin:.5em 0}"
	"td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}"
	".fail{color:#b00;font-weight:bold}.tl span{display:inline-block;margin-right:.6em}"
	".ok{color:#070}.dim{color:#777}</style></head><body>\n";

static void html_timeline(FILE *f, const struct hist_client *c)
{
	unsigned order[HS_N], n = 0;

	/* In the order they happened (userspace comes with the modloop or
	 * the apkovl, whichever was first). */
	for (unsigned s = 0; s < HS_N; s++) {
		unsigned i = n++;

		if (!(c->reached & (1u << s))) {
			n--;
			continue;
		}
		for (; i > 0 && c->stage_ms[order[i - 1]] > c->stage_ms[s]; i--)
			order[i] = order[i - 1];
		order[i] = s;
	}
	fputs("<td class=\"tl\">", f);
	for (unsigned i = 0; i < n; i++)
		fprintf(f, "<span class=\"stage\" data-stage=\"%s\">%s +%.1f s</span>",
			history_stage_name(order[i]), history_stage_name(order[i]),
			secs(c->stage_ms[order[i]] - c->power_on_ms));
	if (c->failed_stage < HS_N || c->failure[0]) {
		fprintf(f, "<span class=\"fail\" data-stage=\"%s-failed\">%s failed: ",
			history_stage_name(c->failed_stage), history_stage_name(c->failed_stage));
		put_html(f, c->failure);
		fputs("</span>", f);
	}
	fputs("</td>", f);
}

static void html_clients(FILE *f, const struct status_view *v)
{
	unsigned n = v->history ? history_count(v->history) : 0;

	fprintf(f, "<h2>Clients (%u)</h2>\n<table id=\"clients\"><tr><th>MAC</th><th>profile</th>"
		"<th>address</th><th>arch</th><th>last stage</th><th>power-on (UTC)</th>"
		"<th>timeline</th></tr>\n", n);
	for (const struct hist_client *c = n ? history_first(v->history) : NULL; c;
	     c = history_next(c)) {
		char mac[18], ip[INET_ADDRSTRLEN], at[32];

		mac_str(c->mac, mac);
		inet_ntop(AF_INET, &c->ip, ip, sizeof(ip));
		wall_str(v, c->power_on_ms, at);
		fprintf(f, "<tr id=\"mac-%s\"><td><code>%s</code></td><td>", mac, mac);
		put_html(f, c->profile[0] ? c->profile : "-");
		fprintf(f, "</td><td>%s</td><td>%d</td><td class=\"%s\">%s</td><td>%s</td>",
			c->ip.s_addr ? ip : "-", c->arch,
			c->last_stage == HS_USERSPACE ? "ok" : "", history_stage_name(c->last_stage), at);
		html_timeline(f, c);
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void html_files(FILE *f, const struct filecheck_report *r)
{
	fputs("<h2>Served files</h2>\n", f);
	if (r == NULL) {
		fputs("<p class=\"dim\">not checked (check = off)</p>\n", f);
		return;
	}
	fprintf(f, "<p>%u errors, %u warnings</p>\n<table id=\"files\"><tr><th>level</th>"
		"<th>file</th><th>check</th><th>finding</th></tr>\n", r->n_error, r->n_warn);
	for (unsigned i = 0; i < r->n_item; i++) {
		const struct filecheck_item *it = &r->item[i];

		fprintf(f, "<tr class=\"%s\"><td>%s</td><td>",
			it->level == FILECHECK_ERROR ? "fail" : "", filecheck_level_name(it->level));
		put_html(f, it->file);
		fputs("</td><td>", f);
		put_html(f, it->what ? it->what : "");
		fputs("</td><td>", f);
		put_html(f, it->msg);
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void render_html(FILE *f, const struct status_view *v)
{
	char at[32];

	wall_str(v, v->start_ms, at);
	fputs(html_head, f);
	fputs("<h1>netbootd ", f);
	put_html(f, v->version);
	fprintf(f, "</h1>\n<p>up %.0f s, since %s; <a href=\"/status.json\">status.json</a>, "
		"<a href=\"/metrics\">metrics</a></p>\n", secs(v->now_ms - v->start_ms), at);
	html_clients(f, v);
	html_files(f, v->files);
	fputs("<h2>Configuration in force</h2>\n<table id=\"config\">\n", f);
	for (unsigned i = 0; i < v->n_conf; i++) {
		fprintf(f, "<tr><th>%s</th><td>", v->conf[i].key);
		put_html(f, v->conf[i].value);
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n</body></html>\n", f);
}

/* --- /metrics ------------------------------------------------------------ */

static void m_head(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void m_histogram(FILE *f, const char *name, const char *help,
			const struct hist_histogram *hg)
{
	uint64_t cum = 0;

	m_head(f, name, "histogram", help);
	for (unsigned i = 0; i < HIST_BUCKETS; i++) {
		cum += hg->bucket[i];
		fprintf(f, "%s_bucket{le=\"%g\"} %llu\n", name, hist_bucket_s[i],
			(unsigned long long)cum);
	}
	fprintf(f, "%s_bucket{le=\"+Inf\"} %llu\n%s_sum %.3f\n%s_count %llu\n", name,
		(unsigned long long)hg->count, name, hg->sum_s, name,
		(unsigned long long)hg->count);
}

static void metrics_server(FILE *f, const struct status_view *v)
{
	const struct netbootd_stats *st = v->stats;

	m_head(f, "netbootd_build_info", "gauge", "Always 1; the version is the label.");
	fputs("netbootd_build_info{version=\"", f);
	put_html(f, v->version);   /* a version has no quote or backslash; escaped anyway */
	fputs("\"} 1\n", f);
	m_head(f, "netbootd_start_time_seconds", "gauge", "When serving began, seconds since 1970.");
	fprintf(f, "netbootd_start_time_seconds %.3f\n", secs(v->start_wall_ms));
	m_head(f, "netbootd_requests_total", "counter", "Requests received, by protocol.");
	fprintf(f, "netbootd_requests_total{proto=\"dhcp\"} %llu\n"
		"netbootd_requests_total{proto=\"tftp\"} %llu\n"
		"netbootd_requests_total{proto=\"http\"} %llu\n",
		(unsigned long long)(st->dhcp_answered + st->dhcp_ignored + st->dhcp_malformed),
		(unsigned long long)(st->tftp_started + st->tftp_malformed),
		(unsigned long long)st->http_requests);
	m_head(f, "netbootd_dhcp_answered_total", "counter", "proxyDHCP answers sent.");
	fprintf(f, "netbootd_dhcp_answered_total %llu\n", (unsigned long long)st->dhcp_answered);
	m_head(f, "netbootd_dhcp_ignored_total", "counter",
	       "DHCP requests not answered (not PXE, repeats, unknown clients, refused sources).");
	fprintf(f, "netbootd_dhcp_ignored_total %llu\n", (unsigned long long)st->dhcp_ignored);
	m_head(f, "netbootd_dropped_packets_total", "counter",
	       "Packets dropped as malformed or refused, by protocol and reason.");
	fprintf(f, "netbootd_dropped_packets_total{proto=\"dhcp\",reason=\"malformed\"} %llu\n"
		"netbootd_dropped_packets_total{proto=\"dhcp\",reason=\"repeat\"} %llu\n"
		"netbootd_dropped_packets_total{proto=\"dhcp\",reason=\"unknown_client\"} %llu\n"
		"netbootd_dropped_packets_total{proto=\"dhcp\",reason=\"relay_refused\"} %llu\n"
		"netbootd_dropped_packets_total{proto=\"dhcp\",reason=\"port_4011_refused\"} %llu\n"
		"netbootd_dropped_packets_total{proto=\"tftp\",reason=\"malformed\"} %llu\n",
		(unsigned long long)st->dhcp_malformed, (unsigned long long)st->dhcp_repeats,
		(unsigned long long)st->dhcp_unknown, (unsigned long long)st->dhcp_relay_refused,
		(unsigned long long)st->dhcp_4011_refused, (unsigned long long)st->tftp_malformed);
	m_head(f, "netbootd_errors_total", "counter", "Errors, by kind.");
	fprintf(f, "netbootd_errors_total{kind=\"tftp_failed\"} %llu\n"
		"netbootd_errors_total{kind=\"http_malformed\"} %llu\n"
		"netbootd_errors_total{kind=\"http_refused_per_ip\"} %llu\n"
		"netbootd_errors_total{kind=\"http_evicted\"} %llu\n"
		"netbootd_errors_total{kind=\"http_timeout\"} %llu\n",
		(unsigned long long)st->tftp_failed, (unsigned long long)st->http_malformed,
		(unsigned long long)v->http.refused_per_ip, (unsigned long long)v->http.evicted,
		(unsigned long long)v->http.timeouts);
	m_head(f, "netbootd_active_transfers", "gauge",
	       "TFTP transfers in flight and open HTTP connections.");
	fprintf(f, "netbootd_active_transfers{proto=\"tftp\"} %llu\n"
		"netbootd_active_transfers{proto=\"http\"} %llu\n",
		(unsigned long long)st->tftp_active, (unsigned long long)v->http.connections);
	if (v->n_workers > 0) {
		m_head(f, "netbootd_workers", "gauge", "Event loops serving TFTP and HTTP.");
		fprintf(f, "netbootd_workers %u\n", v->n_workers);
		m_head(f, "netbootd_worker_requests_total", "counter",
		       "TFTP transfers started and HTTP requests, by the loop that served them.");
		for (unsigned i = 0; i < v->n_workers; i++)
			fprintf(f, "netbootd_worker_requests_total{worker=\"%u\",proto=\"tftp\"} %llu\n"
				"netbootd_worker_requests_total{worker=\"%u\",proto=\"http\"} %llu\n",
				i, (unsigned long long)v->worker[i].tftp,
				i, (unsigned long long)v->worker[i].http);
	}
	m_head(f, "netbootd_log_lines_dropped", "gauge",
	       "Log lines dropped because stderr did not take them, not yet reported in the log.");
	fprintf(f, "netbootd_log_lines_dropped %llu\n", (unsigned long long)v->log_dropped);
	if (v->files) {
		m_head(f, "netbootd_file_check_problems", "gauge",
		       "Problems the served files' check found, by level.");
		fprintf(f, "netbootd_file_check_problems{level=\"error\"} %u\n"
			"netbootd_file_check_problems{level=\"warning\"} %u\n",
			v->files->n_error, v->files->n_warn);
	}
}

static void metrics_history(FILE *f, const struct history *h)
{
	const struct hist_metrics *m = history_metrics(h);

	/* A family's samples stay together (the format requires it). */
	m_head(f, "netbootd_transfers_total", "counter", "TFTP and HTTP transfers ended, by protocol.");
	for (unsigned p = HP_TFTP; p <= HP_HTTP; p++)
		fprintf(f, "netbootd_transfers_total{proto=\"%s\",result=\"ok\"} %llu\n"
			"netbootd_transfers_total{proto=\"%s\",result=\"failed\"} %llu\n",
			history_proto_name(p),
			(unsigned long long)(m->transfers[p] - m->transfer_failed[p]),
			history_proto_name(p), (unsigned long long)m->transfer_failed[p]);
	m_head(f, "netbootd_sent_bytes_total", "counter", "Payload bytes sent, by protocol.");
	for (unsigned p = HP_TFTP; p <= HP_HTTP; p++)
		fprintf(f, "netbootd_sent_bytes_total{proto=\"%s\"} %llu\n",
			history_proto_name(p), (unsigned long long)m->bytes[p]);
	m_head(f, "netbootd_boots_total", "counter", "Client boots that reached each stage.");
	for (unsigned s = 0; s < HS_N; s++)
		fprintf(f, "netbootd_boots_total{stage=\"%s\"} %llu\n", history_stage_name(s),
			(unsigned long long)m->stage_total[s]);
	m_head(f, "netbootd_boot_failures_total", "counter", "Failed boot steps, by stage.");
	for (unsigned s = 0; s <= HS_N; s++)
		if (s != HS_USERSPACE)
			fprintf(f, "netbootd_boot_failures_total{stage=\"%s\"} %llu\n",
				history_stage_name(s), (unsigned long long)m->failed_total[s]);
	m_histogram(f, "netbootd_boot_kernel_seconds",
		    "From power-on (the first proxy offer) to the kernel served.", &m->to_kernel);
	m_histogram(f, "netbootd_boot_userspace_seconds",
		    "From power-on to userspace (modloop or apkovl fetched).", &m->to_userspace);
	m_head(f, "netbootd_history_clients", "gauge", "Clients in the boot history.");
	fprintf(f, "netbootd_history_clients %u\n", history_count(h));
	m_head(f, "netbootd_history_evicted_total", "counter",
	       "History records reused for another client at the bound.");
	fprintf(f, "netbootd_history_evicted_total %llu\n", (unsigned long long)m->evicted);
	m_head(f, "netbootd_transfers_unknown_client_total", "counter",
	       "Transfers no MAC could be tied to (not in the neighbour table or DHCP).");
	fprintf(f, "netbootd_transfers_unknown_client_total %llu\n",
		(unsigned long long)m->unknown_peer);
}

int status_render(enum status_doc doc, const struct status_view *v, FILE *out)
{
	switch (doc) {
	case STATUS_HTML:
		render_html(out, v);
		break;
	case STATUS_JSON:
		render_json(out, v);
		break;
	case STATUS_METRICS:
		metrics_server(out, v);
		if (v->history)
			metrics_history(out, v->history);
		break;
	}
	return ferror(out) ? -EIO : 0;
}

/* --- glue ---------------------------------------------------------------- */

int status_allowed(const struct netbootd *nb, struct in_addr addr)
{
	const struct nb_cidr_list *l = &nb_config_server(nb->config)->status_allow;
	uint32_t a = ntohl(addr.s_addr);

	/* Unset: this host only (loopback, or our own address, which is the
	 * source of a connection from this host to it). The LAN is where the
	 * clients are, and any attacker: the page names every MAC, address
	 * and profile. */
	if (!l->set)
		return (a >> 24) == 127 || addr.s_addr == nb->addr.s_addr;
	return nb_cidr_list_match(l, a);
}

static void conf_add(struct status_view *v, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void conf_add(struct status_view *v, const char *key, const char *fmt, ...)
{
	va_list ap;

	if (v->n_conf >= STATUS_CONF_MAX)
		return;
	v->conf[v->n_conf].key = key;
	va_start(ap, fmt);
	vsnprintf(v->conf[v->n_conf].value, sizeof(v->conf[0].value), fmt, ap);
	va_end(ap);
	v->n_conf++;
}

static void allow_text(const struct nb_cidr_list *l, char *out, size_t cap)
{
	size_t o = 0;

	if (!l->set) {
		snprintf(out, cap, "127.0.0.0/8 and this host's address (default)");
		return;
	}
	snprintf(out, cap, "none");
	for (unsigned i = 0; i < l->n && o < cap; i++) {
		uint32_t a = l->item[i].net;

		o += (size_t)snprintf(out + o, cap - o, "%s%u.%u.%u.%u/%u", i ? " " : "",
				      a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255,
				      l->item[i].prefix);
	}
}

static void view_config(const struct netbootd *nb, struct status_view *v)
{
	const struct nb_server_conf *sc = nb_config_server(nb->config);
	static const char *const checks[] = { "warn", "off", "warn", "strict" };
	char ip[INET_ADDRSTRLEN], allow[160];

	inet_ntop(AF_INET, &nb->addr, ip, sizeof(ip));
	allow_text(&sc->status_allow, allow, sizeof(allow));
	conf_add(v, "address", "%s", ip);
	conf_add(v, "interface", "%s", nb->ifname[0] ? nb->ifname : "-");
	conf_add(v, "root", "%s", nb->root ? nb->root : "-");
	conf_add(v, "dhcp", "%s", nb->dhcp_on ? "67, 4011" : "off");
	conf_add(v, "tftp", "%u%s", nb->tftp_port, nb->tftp_on ? "" : " (off)");
	conf_add(v, "http", "%s%s", nb->http_base, nb->http_on ? "" : " (off)");
	conf_add(v, "answer", "%s", nb->answer_known ? "known" : "all");
	conf_add(v, "check", "%s", checks[sc->check >= 0 && sc->check <= 3 ? sc->check : 0]);
	conf_add(v, "profiles", "%u", nb->config->n_profile);
	conf_add(v, "clients", "%u", nb->config->n_client);
	conf_add(v, "protect", "%u prefixes", nb->n_protect);
	conf_add(v, "http-per-ip", "%u", nb->limits.http_per_ip);
	conf_add(v, "http-requests", "%u", nb->limits.http_requests);
	conf_add(v, "http-idle", "%u ms", nb->limits.http_idle_ms);
	conf_add(v, "tftp-per-ip", "%u", nb->limits.tftp_per_ip);
	conf_add(v, "status-allow", "%s", allow);
	if (nb->history)
		conf_add(v, "history", "%u clients, %u events each",
			 history_max_clients(nb->history), history_max_events(nb->history));
}

#define ADD(f) ret->f += s->f

void netbootd_stats_total(const struct netbootd *nb, struct netbootd_stats *ret)
{
	unsigned n = nb->all ? nb->n_workers + 1 : 1;   /* netbootd.h: all[] */

	memset(ret, 0, sizeof(*ret));
	for (unsigned i = 0; i < n; i++) {
		const struct netbootd_stats *s;

		if (nb->all && !nb->all[i])
			continue;
		s = nb->all ? &nb->all[i]->stats : &nb->stats;

		ADD(dhcp_answered); ADD(dhcp_ignored); ADD(dhcp_malformed);
		ADD(dhcp_repeats); ADD(dhcp_unknown); ADD(dhcp_relay_refused);
		ADD(dhcp_4011_refused);
		ADD(tftp_started); ADD(tftp_done); ADD(tftp_failed); ADD(tftp_malformed);
		ADD(http_requests); ADD(http_malformed); ADD(tftp_active);
	}
}

#undef ADD

/* The counters of every worker loop: totals, and each loop's share. */
static void view_stats(const struct netbootd *nb, struct status_view *v,
		       struct netbootd_stats *total)
{
	unsigned n = nb->all ? nb->n_workers : 1;

	netbootd_stats_total(nb, total);
	v->stats = total;
	v->n_workers = n;
	for (unsigned i = 0; i < n && i < NETBOOTD_WORKERS_MAX; i++) {
		const struct netbootd *w = nb->all ? nb->all[i] : nb;

		v->worker[i].tftp = w->stats.tftp_started;
		v->worker[i].http = w->stats.http_requests;
	}
}

int status_open(const struct netbootd *nb, const char *path, struct in_addr addr,
		const struct status_http *hs, struct content *ret, enum status_doc *ret_doc)
{
	struct netbootd_stats total;
	struct status_view *v;
	struct timespec ts;
	enum status_doc doc;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int r;

	if (status_doc_of(path, &doc) < 0)
		return -ENOENT;
	if (!status_allowed(nb, addr))
		return -EACCES;
	v = calloc(1, sizeof(*v));
	if (v == NULL)
		return -ENOMEM;
	v->version = NETBOOTD_VERSION;
	v->now_ms = ev_now_ms(nb->loop);
	clock_gettime(CLOCK_REALTIME, &ts);
	v->now_wall_ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	v->start_ms = nb->start_ms;
	v->start_wall_ms = nb->start_wall_ms;
	view_stats(nb, v, &total);
	v->http = *hs;
	v->log_dropped = log_dropped();
	v->history = nb->history;
	v->files = nb->filecheck;
	view_config(nb, v);
	r = -ENOMEM;
	f = open_memstream(&buf, &len);
	if (f == NULL)
		goto out;
	/* The worker loops record into the history while we walk it. */
	if (v->history)
		history_lock(v->history);
	r = status_render(doc, v, f);
	if (v->history)
		history_unlock(v->history);
	if (fclose(f) != 0 && r == 0)
		r = -ENOMEM;
	if (r < 0) {
		free(buf);
		goto out;
	}
	ret->fd = -1;
	ret->mem = buf;
	ret->size = len;
	ret->mtime = time(NULL);
	ret->source = "rendered";
	*ret_doc = doc;
out:
	free(v);
	return r;
}
