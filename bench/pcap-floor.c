/* bench/pcap-floor.c - the floor replay is measured against: how fast libpcap alone reads a
 * capture (pcap_next_ex over every packet, as nfemu's reader calls it), in packets per CPU
 * second of this process.
 *
 *   pcap-floor CAPTURE [REPEAT]
 * prints "packets bytes cpu_seconds packets_per_cpu_second" for the best of REPEAT reads
 * (default 3), so another process on the machine does not decide the figure.
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

static double cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	double best = -1;
	unsigned long long pkts = 0, bytes = 0;
	int repeat = argc > 2 ? atoi(argv[2]) : 3;

	if (argc < 2 || repeat < 1) {
		fprintf(stderr, "usage: pcap-floor CAPTURE [REPEAT]\n");
		return 2;
	}
	for (int r = 0; r < repeat; r++) {
		struct pcap_pkthdr *h;
		const u_char *data;
		pcap_t *p = pcap_open_offline(argv[1], err);
		double t0;
		int rc;

		if (!p) {
			fprintf(stderr, "pcap-floor: %s\n", err);
			return 1;
		}
		pkts = bytes = 0;
		t0 = cpu_seconds();
		while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
			pkts++;
			bytes += h->caplen;
		}
		if (rc == PCAP_ERROR) {
			fprintf(stderr, "pcap-floor: %s: %s\n", argv[1], pcap_geterr(p));
			pcap_close(p);
			return 1;
		}
		t0 = cpu_seconds() - t0;
		pcap_close(p);
		if (best < 0 || t0 < best)
			best = t0;
	}
	printf("%llu %llu %.4f %.0f\n", pkts, bytes, best, best > 0 ? pkts / best : 0.0);
	return 0;
}
