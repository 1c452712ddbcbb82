/* retryonce: writes a record to out.txt; a failed write is retried once,
 * and a second failure is swallowed (exit 0, the record lost): a bug that
 * only a fault that persists (replay --persist) shows. */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	const char rec[] = "record 1\n";
	int fd = open("out.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return 1;
	if (write(fd, rec, strlen(rec)) < 0)
		(void)!write(fd, rec, strlen(rec));   /* one retry, result ignored */
	close(fd);
	return 0;
}
