#include <cstdio>
int main() { std::puts("likesim: under construction"); return 1; }
