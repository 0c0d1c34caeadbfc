"""Runs Modbus requests with the Debian python3-pymodbus client and prints what came back.

Reads a JSON program on stdin: {"host", "port", "unit", "ops": [...]}; prints a JSON list with one
result per op: {"ok": true, ...} or {"ok": false, "exception": <Modbus exception code>}.
32-bit floats are decoded here, per the documented word order ABCD (high word first, big-endian).
"""
import json
import struct
import sys

from pymodbus.client import ModbusTcpClient
from pymodbus.pdu import ExceptionResponse


def answer(response, decode):
    if isinstance(response, ExceptionResponse):
        return {"ok": False, "exception": response.exception_code}
    if response.isError():
        return {"ok": False, "error": str(response)}
    return {"ok": True, **decode(response)}


def run(client, unit, op):
    kind = op["op"]
    table = op.get("table")
    address = op["address"]
    if kind == "read":
        count = op.get("count", 1)
        if table in ("input", "holding"):
            read = client.read_input_registers if table == "input" else client.read_holding_registers
            return answer(read(address, count, slave=unit), lambda r: {"registers": r.registers})
        read = client.read_coils if table == "coil" else client.read_discrete_inputs
        return answer(read(address, count, slave=unit), lambda r: {"bits": r.bits[:count]})
    if kind == "read_float32":
        read = client.read_input_registers if table == "input" else client.read_holding_registers
        return answer(read(address, 2, slave=unit), lambda r: {"value": struct.unpack(">f", struct.pack(">HH", *r.registers))[0]})
    if kind == "read_int16":
        read = client.read_input_registers if table == "input" else client.read_holding_registers
        return answer(read(address, 1, slave=unit), lambda r: {"value": struct.unpack(">h", struct.pack(">H", r.registers[0]))[0]})
    if kind == "write_float32":
        words = list(struct.unpack(">HH", struct.pack(">f", op["value"])))
        return answer(client.write_registers(address, words, slave=unit), lambda r: {})
    if kind == "write_registers":
        return answer(client.write_registers(address, op["values"], slave=unit), lambda r: {})
    if kind == "write_register":
        return answer(client.write_register(address, op["value"], slave=unit), lambda r: {})
    if kind == "write_coil":
        return answer(client.write_coil(address, op["value"], slave=unit), lambda r: {})
    raise ValueError(f"unknown op {kind!r}")


def main():
    program = json.load(sys.stdin)
    client = ModbusTcpClient(program["host"], port=program["port"], timeout=3, retries=0)
    if not client.connect():
        print(json.dumps({"error": f"cannot connect to {program['host']}:{program['port']}"}))
        sys.exit(2)
    try:
        results = []
        for op in program["ops"]:
            try:
                results.append(run(client, program["unit"], op))
            except Exception as error:  # a timeout or a broken connection: report it, go on
                results.append({"ok": False, "error": f"{type(error).__name__}: {error}"})
        print(json.dumps(results))
    finally:
        client.close()


main()
