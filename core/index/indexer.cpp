#include "index/indexer.h"
