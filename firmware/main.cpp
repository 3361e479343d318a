#include <cstdio>

int main() {
  std::puts("tapegate");
  return 0;
}
