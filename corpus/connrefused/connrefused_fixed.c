/*
 * connrefused_fixed.c - a TCP client that says "hello" to a server thread
 * it starts itself on 127.0.0.1 (ephemeral port) and expects "ACK"; when
 * no address accepts the connection it reports why and exits 1.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void *server(void *arg)
{
	int lfd = (int)(intptr_t)arg, cfd;
	char line[64];
	size_t len = 0;
	ssize_t n;

	cfd = accept(lfd, NULL, NULL);
	close(lfd);
	if (cfd < 0)
		return NULL;
	while (len < sizeof(line) && (n = recv(cfd, line + len, sizeof(line) - len, 0)) > 0) {
		len += (size_t)n;
		if (memchr(line, '\n', len)) {
			send(cfd, "ACK\n", 4, MSG_NOSIGNAL);
			break;
		}
	}
	close(cfd);
	return NULL;
}

/* Listens on 127.0.0.1 with a kernel-chosen port, returned in *port. */
static int listen_local(char *port, size_t size)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t slen = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(fd, 1) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &slen) < 0) {
		close(fd);
		return -1;
	}
	snprintf(port, size, "%d", ntohs(sin.sin_port));
	return fd;
}

int main(void)
{
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV };
	struct addrinfo *res, *ai;
	struct sockaddr_in peer;
	char port[16], addr[INET_ADDRSTRLEN], reply[8];
	pthread_t tid;
	ssize_t n;
	int lfd, fd = -1, err = 0;

	lfd = listen_local(port, sizeof(port));
	if (lfd < 0) {
		perror("listen");
		return 1;
	}
	if (getaddrinfo("127.0.0.1", port, &hints, &res) != 0)
		return 1;
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd < 0) {
			err = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		err = errno;
		close(fd);
	}
	if (!ai) {
		fprintf(stderr, "cannot connect to 127.0.0.1: %s\n", strerror(err));
		freeaddrinfo(res);
		return 1;
	}
	memcpy(&peer, ai->ai_addr, sizeof(peer));
	freeaddrinfo(res);
	inet_ntop(AF_INET, &peer.sin_addr, addr, sizeof(addr));

	/* The listen backlog completes the connection; the request is sent
	 * before the server starts, so the threads never race. */
	if (write(fd, "hello\n", 6) != 6) {
		perror("write");
		return 1;
	}
	if (pthread_create(&tid, NULL, server, (void *)(intptr_t)lfd)) {
		fprintf(stderr, "cannot start server thread\n");
		return 1;
	}
	n = read(fd, reply, sizeof(reply) - 1);
	if (n != 4 || memcmp(reply, "ACK\n", 4) != 0) {
		fprintf(stderr, "no ACK from %s\n", addr);
		return 1;
	}
	close(fd);
	pthread_join(tid, NULL);
	printf("%s: ACK\n", addr);
	return 0;
}
