/* knock — port fermé qui note chaque tentative de connexion, puis se met à
 * écouter après un délai (lab 07 : réessais et attente croissante).
 *
 * knock [-b ADRESSE] [-a DÉLAI_MS]
 * knock -P PORT            (only watches PORT, which it does not bind: another
 *                           fake's, or a port where nothing listens; same
 *                           ready line, « Port fermé sur 127.0.0.1:PORT »)
 *
 * Reserves a TCP port on ADDRESS (127.0.0.1 by default) without listening:
 * every connection attempt is refused by the kernel (RST). A packet socket on
 * lo sees each SYN sent to that port, refused or not, and the fake logs it:
 * « tentative N à T ms » (T counted from the first SYN, on the monotonic
 * clock). With -a, it calls listen() DELAY_MS after the first SYN (« écoute à
 * T ms ») and accepts from then on (« connexion acceptée à T ms »), closing
 * each connection. Ready line: « Port fermé sur ADRESSE:PORT ». Runs until
 * SIGTERM. The packet socket needs CAP_NET_RAW in the network namespace:
 * the lab's (the grader is its root); without it, an error and exit 1. */
#define _DEFAULT_SOURCE

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
#include "fake.h"
#include "io.h"
#include "net.h"

static int bind_any(int fd, const struct addrinfo *ai, void *unused)
{
    (void)unused;
    return bind(fd, ai->ai_addr, ai->ai_addrlen);
}

/* The destination port of an incoming TCP SYN (no ACK) in an IPv4 or IPv6
 * packet, or -1. */
static int syn_port(const unsigned char *p, size_t n, unsigned short proto)
{
    size_t off;

    if (proto == ETH_P_IP) {
        if (n < 20 || p[9] != IPPROTO_TCP)
            return -1;
        off = (size_t)(p[0] & 0x0f) * 4;
    } else if (proto == ETH_P_IPV6) {
        if (n < 40 || p[6] != IPPROTO_TCP)
            return -1;
        off = 40;
    } else {
        return -1;
    }
    if (n < off + 14 || (p[off + 13] & 0x12) != 0x02)
        return -1;
    return p[off + 2] << 8 | p[off + 3];
}

int main(int argc, char **argv)
{
    const char *bind_addr = "127.0.0.1";
    long after = -1, watch = 0;
    int opt, fd, pfd, gai = 0, port, n_syn = 0, listening = 0;
    double first = 0, now;
    struct sockaddr_ll sll;
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    unsigned char pkt[256];
    char addr[ADDR_STR_LEN];

    fake_args(&argc, &argv);
    while ((opt = getopt(argc, argv, "b:a:P:")) != -1) {
        if (opt == 'P' && parse_long(optarg, 1, 65535, &watch) == 0)
            continue;
        if (opt == 'b')
            bind_addr = optarg;
        else if (opt == 'a' && parse_long(optarg, 0, 600000, &after) == 0)
            continue;
        else {
            fprintf(stderr, "usage : knock [-b ADRESSE] [-a DÉLAI_MS] | -P PORT\n");
            return 2;
        }
    }
    if (stop_setup() < 0)
        return 1;
    if (watch != 0) {
        fd = -1;
        port = (int)watch;
        goto watch_only;
    }
    fd = tcp_try_addresses(bind_addr, "0", AI_PASSIVE | AI_NUMERICHOST, bind_any,
                           NULL, &gai);
    if (fd < 0) {
        fprintf(stderr, "knock: liaison à %s : %s\n", bind_addr,
                fd == NET_ERR_RESOLVE ? net_gai_strerror(gai) : net_strerror(errno));
        return 1;
    }
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) < 0)
        return 1;
    port = ss.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
                                    : ntohs(((struct sockaddr_in *)&ss)->sin_port);
watch_only:
    pfd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_ALL));
    if (pfd < 0) {
        fprintf(stderr, "knock: socket AF_PACKET : %s (CAP_NET_RAW nécessaire)\n",
                strerror(errno));
        return 1;
    }
    memset(&sll, 0, sizeof sll);
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(ETH_P_ALL);
    sll.sll_ifindex = (int)if_nametoindex("lo");
    if (sll.sll_ifindex == 0 || bind(pfd, (struct sockaddr *)&sll, sizeof sll) < 0) {
        fprintf(stderr, "knock: lo : %s\n", strerror(errno));
        return 1;
    }
    if (fd >= 0)
        printf("Port fermé sur %s\n", sock_local_str(fd, addr, sizeof addr));
    else
        printf("Port fermé sur 127.0.0.1:%d\n", port); /* watched only */
    fflush(stdout);
    while (!stop_requested()) {
        struct pollfd p[2] = { { pfd, POLLIN, 0 }, { listening ? fd : -1, POLLIN, 0 } };
        int wait = -1, r;

        if (n_syn > 0 && !listening && after >= 0 && fd >= 0) {
            wait = (int)(first + (double)after - now_ms());
            if (wait <= 0) {
                if (listen(fd, SOMAXCONN) < 0) {
                    fprintf(stderr, "knock: listen : %s\n", strerror(errno));
                    return 1;
                }
                listening = 1;
                printf("écoute à %.0f ms\n", now_ms() - first);
                fflush(stdout);
                continue;
            }
        }
        r = poll(p, 2, wait);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return 1;
        now = now_ms();
        if (p[0].revents & POLLIN) {
            socklen_t fl = sizeof sll;
            ssize_t n = recvfrom(pfd, pkt, sizeof pkt, MSG_TRUNC, (struct sockaddr *)&sll, &fl);

            if (n > 0 && sll.sll_pkttype != PACKET_OUTGOING &&
                syn_port(pkt, (size_t)n < sizeof pkt ? (size_t)n : sizeof pkt,
                         ntohs(sll.sll_protocol)) == port) {
                if (n_syn++ == 0)
                    first = now;
                printf("tentative %d à %.0f ms\n", n_syn, now - first);
                fflush(stdout);
            }
        }
        if (p[1].revents & POLLIN) {
            int c = accept(fd, NULL, NULL);

            if (c >= 0) {
                printf("connexion acceptée à %.0f ms\n", now - first);
                fflush(stdout);
                close(c);
            }
        }
    }
    close(pfd);
    if (fd >= 0)
        close(fd);
    return 0;
}
