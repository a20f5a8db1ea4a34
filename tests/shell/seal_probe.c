/* tests/shell/seal_probe.c - a static binary that goes straight to the kernel (no libc
 * preloading can see it): it adds a veth pair over rtnetlink and reads the number of entries
 * of the IPv4 filter table with IPT_SO_GET_INFO.  sealed_exec.sh runs it under `nfemu exec`
 * and checks that neither reached the "host".  Prints "link RC entries N|-ERRNO".
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/if_link.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

static int link_add(const char *name)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
		char attrs[256];
	} req;
	struct rtattr *rta, *linkinfo;
	char ack[1024];
	int fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	ssize_t n;

	if (fd < 0)
		return -errno;
	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_type = RTM_NEWLINK;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK;
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.ifi));
	rta = (struct rtattr *)((char *)&req + NLMSG_ALIGN(req.nh.nlmsg_len));
	rta->rta_type = IFLA_IFNAME;
	rta->rta_len = RTA_LENGTH(strlen(name) + 1);
	memcpy(RTA_DATA(rta), name, strlen(name) + 1);
	req.nh.nlmsg_len = NLMSG_ALIGN(req.nh.nlmsg_len) + RTA_ALIGN(rta->rta_len);
	linkinfo = (struct rtattr *)((char *)&req + req.nh.nlmsg_len);
	linkinfo->rta_type = IFLA_LINKINFO;
	rta = RTA_DATA(linkinfo);
	rta->rta_type = IFLA_INFO_KIND;
	rta->rta_len = RTA_LENGTH(sizeof("veth"));
	memcpy(RTA_DATA(rta), "veth", sizeof("veth"));
	linkinfo->rta_len = RTA_LENGTH(RTA_ALIGN(rta->rta_len));
	req.nh.nlmsg_len += RTA_ALIGN(linkinfo->rta_len);
	if (send(fd, &req, req.nh.nlmsg_len, 0) < 0 || (n = recv(fd, ack, sizeof(ack), 0)) < 0) {
		close(fd);
		return -errno;
	}
	close(fd);
	if ((size_t)n >= NLMSG_LENGTH(sizeof(int)) && ((struct nlmsghdr *)ack)->nlmsg_type == NLMSG_ERROR)
		return ((struct nlmsgerr *)NLMSG_DATA((struct nlmsghdr *)ack))->error;
	return 0;
}

static int filter_entries(void)
{
	struct ipt_getinfo info;
	socklen_t len = sizeof(info);
	int fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);

	if (fd < 0)
		return -errno;
	memset(&info, 0, sizeof(info));
	strcpy(info.name, "filter");
	if (getsockopt(fd, SOL_IP, IPT_SO_GET_INFO, &info, &len) < 0) {
		int err = errno;

		close(fd);
		return -err;
	}
	close(fd);
	return (int)info.num_entries;
}

int main(int argc, char **argv)
{
	int l = link_add(argc > 1 ? argv[1] : "sealprobe0");

	printf("link %d entries %d\n", l, filter_entries());
	return 0;
}
