/*
 * netns-delay: a userspace stand-in for netem on kernels built without it (CONFIG_NET_SCH_NETEM),
 * for bench/netns-bench.sh --emulator userspace.
 *
 *   netns-delay DELAY_NS NAME=IPV4 NAME=IPV4 ...
 *
 * Creates one TUN device per NAME (layer 3, no packet information), prints "ready" once all exist
 * (the script then moves each device into its namespace and gives it IPV4), and relays every IPv4
 * packet read from one device to the device whose address is the packet's destination, DELAY_NS
 * nanoseconds later: every packet between namespaces is delayed once, as netem on each
 * namespace's interface delays it once. One delay for every packet, so one FIFO keeps them in
 * order. What it cannot do as the kernel does: the delay is DELAY_NS plus this process's wake-up
 * latency (the script measures the round trip it gets), and the relaying costs CPU (reported by
 * the script). Bounded: at most QUEUE_SLOTS packets wait; a packet beyond that is dropped and
 * counted, as a full netem queue drops. Exits on SIGTERM/SIGINT, printing its counters.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#define MAX_DEVICES 16
#define QUEUE_SLOTS 65536
#define MAX_PACKET 65536

struct packet {
  uint64_t due;
  int to;
  int len;
  unsigned char *data;
};

static struct packet queue[QUEUE_SLOTS];
static unsigned head, tail; /* queue[head..tail) wait, indices mod QUEUE_SLOTS */
static volatile sig_atomic_t stop;
static unsigned long long relayed, dropped, unroutable;

static void on_signal(int sig) { (void)sig; stop = 1; }

static uint64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static int open_tun(const char *name) {
  int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    perror("netns-delay: open /dev/net/tun");
    exit(1);
  }
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
  strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
  if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
    fprintf(stderr, "netns-delay: TUNSETIFF %s: %s\n", name, strerror(errno));
    exit(1);
  }
  return fd;
}

int main(int argc, char **argv) {
  if (argc < 3 || argc - 2 > MAX_DEVICES) {
    fprintf(stderr, "usage: netns-delay DELAY_NS NAME=IPV4 NAME=IPV4 ... (2 to %d devices)\n", MAX_DEVICES);
    return 2;
  }
  char *end;
  uint64_t delay = strtoull(argv[1], &end, 10);
  if (*end != '\0') {
    fprintf(stderr, "netns-delay: DELAY_NS '%s' is not a number of nanoseconds\n", argv[1]);
    return 2;
  }
  int n = argc - 2;
  int fds[MAX_DEVICES];
  uint32_t addrs[MAX_DEVICES];
  struct pollfd pfds[MAX_DEVICES];
  for (int i = 0; i < n; i++) {
    char *eq = strchr(argv[i + 2], '=');
    struct in_addr a;
    if (eq == NULL || inet_pton(AF_INET, eq + 1, &a) != 1) {
      fprintf(stderr, "netns-delay: '%s': write NAME=IPV4\n", argv[i + 2]);
      return 2;
    }
    *eq = '\0';
    addrs[i] = a.s_addr;
    fds[i] = open_tun(argv[i + 2]);
    pfds[i].fd = fds[i];
    pfds[i].events = POLLIN;
  }
  /* Timer slack of 1 ns: the default 50 us would be added to every wake-up, i.e. to the delay. */
  prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
  /* Ends with the script that started it, even a SIGKILLed one (whose trap cannot run). */
  prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  printf("ready\n");
  fflush(stdout);

  unsigned char buf[MAX_PACKET];
  while (!stop) {
    struct timespec timeout, *tp = NULL;
    if (head != tail) {
      uint64_t now = now_ns(), due = queue[head % QUEUE_SLOTS].due;
      uint64_t wait = due > now ? due - now : 0;
      timeout.tv_sec = (time_t)(wait / 1000000000ull);
      timeout.tv_nsec = (long)(wait % 1000000000ull);
      tp = &timeout;
    }
    int ready = ppoll(pfds, (nfds_t)n, tp, NULL);
    if (ready < 0 && errno != EINTR) {
      perror("netns-delay: ppoll");
      return 1;
    }
    uint64_t now = now_ns();
    for (int i = 0; ready > 0 && i < n; i++) {
      if (pfds[i].revents & (POLLERR | POLLHUP | POLLNVAL)) {
        /* The device is gone (its namespace deleted): the run is over; never spin on it. */
        fprintf(stderr, "netns-delay: device %d failed (poll events 0x%x); exiting\n", i, pfds[i].revents);
        stop = 1;
        break;
      }
      if (!(pfds[i].revents & POLLIN)) {
        continue;
      }
      for (;;) {
        ssize_t len = read(fds[i], buf, sizeof buf);
        if (len < 0) {
          break; /* EAGAIN: this device is drained */
        }
        if (len < 20 || (buf[0] >> 4) != 4) {
          unroutable++; /* not IPv4 (the namespaces have no IPv6 address on these devices) */
          continue;
        }
        uint32_t dst;
        memcpy(&dst, buf + 16, 4);
        int to = -1;
        for (int j = 0; j < n; j++) {
          if (addrs[j] == dst) {
            to = j;
          }
        }
        if (to < 0 || to == i) {
          unroutable++;
          continue;
        }
        if (tail - head == QUEUE_SLOTS) {
          dropped++;
          continue;
        }
        unsigned char *copy = malloc((size_t)len);
        if (copy == NULL) {
          dropped++;
          continue;
        }
        memcpy(copy, buf, (size_t)len);
        queue[tail % QUEUE_SLOTS] = (struct packet){now + delay, to, (int)len, copy};
        tail++;
      }
    }
    now = now_ns();
    while (head != tail && queue[head % QUEUE_SLOTS].due <= now) {
      struct packet *p = &queue[head % QUEUE_SLOTS];
      if (write(fds[p->to], p->data, (size_t)p->len) == p->len) {
        relayed++;
      } else {
        dropped++; /* the receiving device's queue is full, or it is down */
      }
      free(p->data);
      head++;
    }
  }
  fprintf(stderr, "netns-delay: %llu packets relayed, %llu dropped, %llu unroutable\n", relayed, dropped, unroutable);
  return 0;
}
