#include "index/scanner.h"
