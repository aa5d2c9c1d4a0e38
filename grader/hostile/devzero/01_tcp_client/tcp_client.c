/* Hostile: an include that never ends. */
#include "/dev/zero"
int main(void) { return 0; }
