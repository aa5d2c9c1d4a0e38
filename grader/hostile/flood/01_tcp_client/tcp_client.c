/* Hostile: writes 1 GB to stdout. */
#include <stdio.h>
#include <string.h>

int main(void)
{
    static char buf[1 << 20];
    int i;
    memset(buf, 'A', sizeof buf);
    for (i = 0; i < 1024; i++)
        if (fwrite(buf, 1, sizeof buf, stdout) != sizeof buf)
            return 1;
    return 0;
}
