#include "index/ignorerules.h"
