/*
 * tests/e2e/progs/oddname.c - writes "hello world\n", in two writes, to a
 * file whose name holds byte 0xff (not UTF-8), a double quote and a
 * newline.  Write errors are ignored (exit 0), so a failed write leaves the
 * file wrong and the check broken.
 */
#include <fcntl.h>
#include <unistd.h>

int main(void)
{
	int fd = open("data\xff\"q\nx.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return 1;
	(void)!write(fd, "hello ", 6);
	(void)!write(fd, "world\n", 6);
	close(fd);
	return 0;
}
