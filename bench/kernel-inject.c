/* bench/kernel-inject.c - bench/kernel-path.py's sender: injects a capture's Ethernet frames
 * into a real router network namespace through veth peers, as `nfemu replay` would inject them,
 * and reports the CPU time the injection took (its own, which includes the softirqs run on
 * return from each send, and that of the CPU's ksoftirqd, which runs them when they are
 * deferred).
 *
 *   kernel-inject CAPTURE LAN_MAC WAN_MAC LAN_PEER WAN_PEER [PASSES] [KSOFTIRQD_PID] [MODE]
 *   kernel-inject --count CAPTURE LAN_MAC WAN_MAC
 *
 * A frame is injected if it is IPv4 (ethertype 0x0800) and its destination MAC is the router's
 * LAN_MAC (sent by LAN_PEER, whose peer is the router's lan0) or WAN_MAC (by WAN_PEER): replay's
 * rule 4 (docs/replay.md), the only one that decides for bench/gen-capture.py's captures; the
 * rest (ARP, ...) is skipped as replay skips non-IPv4 frames.  MODE "otherhost" rewrites every
 * destination MAC to 02:00:00:00:0e:01 first, so the router's ip_rcv drops each frame at once
 * (PACKET_OTHERHOST).  All frames are read into memory before the clock starts; they are then
 * sent PASSES times (default 1) with sendmmsg(2), 64 per call, on one AF_PACKET socket of
 * protocol 0 (it receives nothing).
 *
 * Prints "frames N lan N wan N skipped N cpu_ns N ksoftirqd_ns N wall_ns N errors N
 * cpu_busy_ticks N steal_ticks N": the last two from /proc/stat's line of the CPU it runs on
 * (user + nice + system + irq + softirq, and steal), read just before and after the loop;
 * then "t0_ns N t1_ns N", the loop's start and end on CLOCK_MONOTONIC (for perf record -k
 * monotonic).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64

struct frame {
	size_t off;
	unsigned int len;
	int lan;
};

static int parse_mac(const char *s, unsigned char mac[6])
{
	return sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1], &mac[2], &mac[3],
		      &mac[4], &mac[5]) == 6 ? 0 : -1;
}

/* busy and steal clock ticks of one CPU from /proc/stat */
static void cpu_ticks(int cpu, long long *busy, long long *steal)
{
	char line[512], want[32];
	FILE *f = fopen("/proc/stat", "r");

	*busy = *steal = 0;
	snprintf(want, sizeof(want), "cpu%d ", cpu);
	while (f && fgets(line, sizeof(line), f)) {
		long long v[8];

		if (strncmp(line, want, strlen(want)))
			continue;
		if (sscanf(line + strlen(want), "%lld %lld %lld %lld %lld %lld %lld %lld", &v[0],
			   &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) == 8) {
			*busy = v[0] + v[1] + v[2] + v[5] + v[6];
			*steal = v[7];
		}
		break;
	}
	if (f)
		fclose(f);
}

static long long ns_of(clockid_t c)
{
	struct timespec ts;

	if (clock_gettime(c, &ts))
		return -1;
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	unsigned char lan_mac[6], wan_mac[6];
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	int count_only = argc > 1 && !strcmp(argv[1], "--count");
	char **a = argv + count_only;
	int n_args = argc - count_only;

	if (n_args < (count_only ? 4 : 6) || parse_mac(a[2], lan_mac) || parse_mac(a[3], wan_mac)) {
		fprintf(stderr, "usage: kernel-inject CAPTURE LAN_MAC WAN_MAC LAN_PEER WAN_PEER "
			"[PASSES] [KSOFTIRQD_PID] [otherhost]\n"
			"       kernel-inject --count CAPTURE LAN_MAC WAN_MAC\n");
		return 2;
	}
	pcap_t *p = pcap_open_offline(a[1], err);
	if (!p) {
		fprintf(stderr, "kernel-inject: %s\n", err);
		return 1;
	}
	size_t cap = 1 << 20, used = 0, nf = 0, fcap = 1 << 16;
	unsigned char *buf = malloc(cap);
	struct frame *fr = malloc(fcap * sizeof(*fr));
	unsigned long long lan = 0, wan = 0, skipped = 0;
	int rc;

	while ((rc = pcap_next_ex(p, &h, &d)) == 1) {
		int is_lan;

		if (h->caplen != h->len || h->caplen < 14 || d[12] != 0x08 || d[13] != 0x00) {
			skipped++;
			continue;
		}
		if (!memcmp(d, lan_mac, 6))
			is_lan = 1;
		else if (!memcmp(d, wan_mac, 6))
			is_lan = 0;
		else {
			skipped++;
			continue;
		}
		if (used + h->caplen > cap) {
			while (used + h->caplen > cap)
				cap *= 2;
			buf = realloc(buf, cap);
		}
		if (nf == fcap) {
			fcap *= 2;
			fr = realloc(fr, fcap * sizeof(*fr));
		}
		if (!buf || !fr) {
			fprintf(stderr, "kernel-inject: out of memory\n");
			return 1;
		}
		memcpy(buf + used, d, h->caplen);
		fr[nf++] = (struct frame){ used, h->caplen, is_lan };
		used += h->caplen;
		is_lan ? lan++ : wan++;
	}
	if (rc == PCAP_ERROR) {
		fprintf(stderr, "kernel-inject: %s\n", pcap_geterr(p));
		return 1;
	}
	pcap_close(p);
	if (count_only) {
		printf("frames %zu lan %llu wan %llu skipped %llu\n", nf, lan, wan, skipped);
		return 0;
	}

	int passes = n_args > 6 ? atoi(a[6]) : 1;
	int ksoftirqd = n_args > 7 ? atoi(a[7]) : 0;
	int otherhost = n_args > 8 && !strcmp(a[8], "otherhost");
	int ifl = if_nametoindex(a[4]), ifw = if_nametoindex(a[5]);
	int fd = socket(AF_PACKET, SOCK_RAW, 0);

	if (!ifl || !ifw || fd < 0) {
		perror("kernel-inject: peers or socket");
		return 1;
	}
	struct mmsghdr *m = calloc(nf, sizeof(*m));
	struct iovec *iov = calloc(nf, sizeof(*iov));
	struct sockaddr_ll *sa = calloc(nf, sizeof(*sa));
	static const unsigned char foreign[6] = { 2, 0, 0, 0, 0x0e, 1 };

	if (!m || !iov || !sa) {
		fprintf(stderr, "kernel-inject: out of memory\n");
		return 1;
	}
	for (size_t i = 0; i < nf; i++) {
		unsigned char *f = buf + fr[i].off;

		if (otherhost)
			memcpy(f, foreign, 6);
		iov[i] = (struct iovec){ f, fr[i].len };
		sa[i].sll_family = AF_PACKET;
		sa[i].sll_protocol = htons(ETH_P_IP);
		sa[i].sll_ifindex = fr[i].lan ? ifl : ifw;
		sa[i].sll_halen = 6;
		memcpy(sa[i].sll_addr, f, 6);
		m[i].msg_hdr.msg_name = &sa[i];
		m[i].msg_hdr.msg_namelen = sizeof(sa[i]);
		m[i].msg_hdr.msg_iov = &iov[i];
		m[i].msg_hdr.msg_iovlen = 1;
	}

	clockid_t kc = 0;
	long long k0 = 0, k1 = 0;

	if (ksoftirqd && clock_getcpuclockid(ksoftirqd, &kc) == 0)
		k0 = ns_of(kc);
	else
		ksoftirqd = 0;
	long long errors = 0, b0, s0, b1, s1;
	int cpu = sched_getcpu();

	cpu_ticks(cpu, &b0, &s0);
	long long w0 = ns_of(CLOCK_MONOTONIC), c0 = ns_of(CLOCK_PROCESS_CPUTIME_ID);

	for (int pass = 0; pass < passes; pass++) {
		size_t i = 0;

		while (i < nf) {
			unsigned int n = nf - i < BATCH ? nf - i : BATCH;
			int r = sendmmsg(fd, m + i, n, 0);

			if (r > 0) {
				i += r;
			} else if (errno == ENOBUFS || errno == ENETDOWN || errno == ENXIO) {
				errors++;	/* this frame was refused: go on with the next */
				i++;
			} else if (errno != EINTR) {
				perror("kernel-inject: sendmmsg");
				return 1;
			}
		}
	}
	long long c1 = ns_of(CLOCK_PROCESS_CPUTIME_ID), w1 = ns_of(CLOCK_MONOTONIC);

	if (ksoftirqd)
		k1 = ns_of(kc);
	cpu_ticks(cpu, &b1, &s1);
	printf("frames %llu lan %llu wan %llu skipped %llu cpu_ns %lld ksoftirqd_ns %lld "
	       "wall_ns %lld errors %lld cpu_busy_ticks %lld steal_ticks %lld t0_ns %lld t1_ns %lld\n",
	       (unsigned long long)nf * passes, lan * passes, wan * passes, skipped, c1 - c0,
	       k1 - k0, w1 - w0, errors, b1 - b0, s1 - s0, w0, w1);
	return 0;
}
