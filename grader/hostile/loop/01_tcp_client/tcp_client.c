/* Hostile: never ends. Asleep rather than spinning: a spinning copy took a
 * core from the rest of make test for its whole budget (up to 180 s), and
 * the lab's budget stops both the same way. */
#include <unistd.h>

int main(void)
{
    for (;;)
        pause();
}
