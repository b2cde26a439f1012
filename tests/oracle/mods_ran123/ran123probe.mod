COMMENT
Test-only probe (oracle_bbp_random): NEURON 8.2's own nrnran123 stream
functions called directly, so that cellulab's RANDOM streams can be
compared draw by draw. Compiled by nrnivmodl only.
ENDCOMMENT
NEURON {
    ARTIFICIAL_CELL Ran123Probe
    POINTER rng
}
ASSIGNED { rng }
PROCEDURE setstream(id1, id2, id3) {
VERBATIM
    nrnran123_State** pv = (nrnran123_State**)(&_p_rng);
    if (*pv) nrnran123_deletestream(*pv);
    *pv = nrnran123_newstream3((uint32_t)_lid1, (uint32_t)_lid2, (uint32_t)_lid3);
ENDVERBATIM
}
PROCEDURE setseq(seq, which) {
VERBATIM
    nrnran123_setseq((nrnran123_State*)_p_rng, (uint32_t)_lseq, (char)_lwhich);
ENDVERBATIM
}
FUNCTION ipick() {
VERBATIM
    _lipick = (double)nrnran123_ipick((nrnran123_State*)_p_rng);
ENDVERBATIM
}
FUNCTION dblpick() {
VERBATIM
    _ldblpick = nrnran123_dblpick((nrnran123_State*)_p_rng);
ENDVERBATIM
}
FUNCTION negexp() {
VERBATIM
    _lnegexp = nrnran123_negexp((nrnran123_State*)_p_rng);
ENDVERBATIM
}
FUNCTION normal() {
VERBATIM
    _lnormal = nrnran123_normal((nrnran123_State*)_p_rng);
ENDVERBATIM
}
